"""The demo world: fixed geography and animals, seeded people, prices, events, journeys and weather, and the facts,
questions and passages about them in the four languages (`World(seed)`); `misc_qa` adds arithmetic, number and
appointment sentences without limit for the corpus and the parallel text."""
from __future__ import annotations

from dataclasses import dataclass
from random import Random

from .grammar import LANGS, F, J, R, T, Unit, clock, date, degrees, duration, euros, join_list, num
from .geography import CAPITALS, CITIES, COUNTRIES, LANGUAGES, RIVERS, SNOWY, WEATHER, City, Country
from .lexicon import (ANIMALS, EVENT_TYPES, FIRST_NAMES, HOBBIES, LAST_NAMES, PRODUCTS, PROFESSIONS, Animal,
                      EventType, Person, Product)


@dataclass(frozen=True)
class Event:
    kind: EventType
    city: str
    month: int
    day: int
    price: int
    organizer: int  # index into World.people


@dataclass(frozen=True)
class Trip:
    a: str
    b: str
    train: bool
    dep: int  # minutes after midnight
    minutes: int


# --------------------------------------------------------------------------------------------
# The world: fixed geography and animals, seeded people, prices, events, journeys and weather
# --------------------------------------------------------------------------------------------
class World:
    N_PEOPLE = 40
    N_EVENTS = 26
    N_TRAINS = 16
    N_FLIGHTS = 16

    def __init__(self, seed: int):
        rng = Random(f"xlit-demo-world:{seed}")
        self.cities = CITIES
        self.city = {c.key: c for c in CITIES}
        self.country = {k.key: k for k in COUNTRIES}
        self.river = {r.key: r for r in RIVERS}
        self.animals = ANIMALS
        self.products = PRODUCTS
        kinds = list(WEATHER)
        self.weather = {}
        for c in CITIES:
            ok = [x for x in kinds if x != "snow" or c.country in SNOWY]
            k = rng.choices(ok, weights=[WEATHER[x][1] for x in ok])[0]
            lo, hi = WEATHER[k][2]
            self.weather[c.key] = (k, rng.randint(lo, hi))
        self.price = {x.key: 5 * rng.randint(x.lo // 5, x.hi // 5) for x in PRODUCTS}
        names = [(f, l) for f in range(len(FIRST_NAMES)) for l in range(len(LAST_NAMES))]
        self.people = []
        for fi, li in rng.sample(names, self.N_PEOPLE):
            first, g, ru_first = FIRST_NAMES[fi]
            lm, lf, rm, rf = LAST_NAMES[li]
            self.people.append(Person(first, lf if g == "f" else lm, ru_first, rf if g == "f" else rm, g,
                                      rng.choice(PROFESSIONS), rng.choice(CITIES).key, rng.randint(1955, 2002),
                                      rng.choice(HOBBIES), rng.choice(PRODUCTS).key))
        pairs = [(k, c.key) for k in range(len(EVENT_TYPES)) for c in CITIES]
        self.events = [Event(EVENT_TYPES[k], c, rng.randint(1, 12), rng.randint(1, 28), 5 * rng.randint(1, 16),
                             rng.randrange(self.N_PEOPLE)) for k, c in rng.sample(pairs, self.N_EVENTS)]
        same = [(a.key, b.key) for a in CITIES for b in CITIES if a.key != b.key and a.country == b.country]
        cross = [(a.key, b.key) for a in CITIES for b in CITIES if a.country != b.country]
        self.trips = []
        for (a, b), train in ([(p, True) for p in rng.sample(same, self.N_TRAINS)]
                              + [(p, False) for p in rng.sample(cross, self.N_FLIGHTS)]):
            minutes = 5 * (rng.randint(12, 60) if train else rng.randint(18, 84))
            self.trips.append(Trip(a, b, train, 5 * rng.randint(6 * 12, 14 * 12), minutes))
        self.facts, self.qas, self.passages = [], [], []
        self._build()

    # -- helpers -----------------------------------------------------------------------------
    def country_of(self, c: City) -> Country:
        return self.country[c.country]

    def cities_in(self, k: Country) -> list[City]:
        return [c for c in self.cities if c.country == k.key]

    def langs_of(self, k: Country) -> Unit:
        return join_list([F(T("{l}", "{l}", "{l}", "{l}"), l=LANGUAGES[x]) for x in k.langs])

    # -- single facts and the questions that ask for them ------------------------------------
    def city_facts(self, c: City) -> list[tuple[Unit, Unit]]:
        k = self.country_of(c)
        out = [(R(T("{c} is a city in {k}.", "{c} est une ville {k_of}.", "{c} é uma cidade {k_in}.",
                    "{c} — город {k_in}."), c=c, k=k),
                R(T("In which country is {c}?", "Dans quel pays se trouve {c} ?", "Em que país fica {c}?",
                    "В какой стране находится {c}?"), c=c)),
               (R(T("{c} has about {pop} inhabitants.", "{c} compte environ {pop} habitants.",
                    "{c} tem cerca de {pop} habitantes.", "{c_in_C} живёт около {pop} человек."),
                  c=c, pop=num(c.pop)),
                R(T("How many people live in {c}?", "Combien d'habitants compte {c} ?", "Quantos habitantes tem {c}?",
                    "Сколько человек живёт {c_in}?"), c=c)),
               (self.weather_sentence(c),
                R(T("What is the weather like in {c} today?", "Quel temps fait-il {c_in} aujourd'hui ?",
                    "Como está o tempo {c_in} hoje?", "Какая сегодня погода {c_in}?"), c=c))]
        if c.river:
            out.append((self.river_sentence(c),
                        R(T("Which river does {c} lie on?", "Sur quel cours d'eau se trouve {c} ?",
                            "Qual rio passa por {c}?", "На какой реке стоит {c}?"), c=c)))
        return out

    def river_sentence(self, c: City) -> Unit:
        return R(T("{c} lies on {r}.", "{c} se trouve sur {r}.", "{c} fica às margens do rio {r}.",
                   "{c} стоит {r_on}."),
                 c=c, r=self.river[c.river])

    def weather_sentence(self, c: City) -> Unit:
        kind, t = self.weather[c.key]
        return R(T("Today in {c} {w}, and the temperature is {deg}.",
                   "Aujourd'hui {c_in}, {w}, et la température est de {deg}.",
                   "Hoje {c_in} {w}, e a temperatura é de {deg}.", "Сегодня {c_in} {w}, температура {deg}."),
                 c=c, w=WEATHER[kind][0], deg=degrees(t))

    def country_facts(self, k: Country) -> list[tuple[Unit, Unit]]:
        cap_city = self.city[CAPITALS[k.key]]
        return [(R(T("The capital of {k} is {c}.", "La capitale {k_de} est {c}.", "A capital {k_de} é {c}.",
                     "Столица {k_gen} — {c}."), k=k, c=cap_city),
                 R(T("What is the capital of {k}?", "Quelle est la capitale {k_de} ?", "Qual é a capital {k_de}?",
                     "Какой город является столицей {k_gen}?"), k=k)),
                (R(T("In {k}, people speak {l}.", "{k_in_C}, on parle {l}.", "{k_in_C}, fala-se {l}.",
                     "{k_in_C} говорят {l}."), k=k, l=self.langs_of(k)),
                 R(T("What language do people speak in {k}?", "Quelle langue parle-t-on {k_in} ?",
                     "Que língua se fala {k_in}?", "На каком языке говорят {k_in}?"), k=k))]

    def animal_facts(self, a: Animal) -> list[tuple[Unit, Unit]]:
        return [(R(T("{a_C} is {a_cls_a}.", "{a_C} est {a_cls_a}.", "{a_C} é {a_cls_a}.", "{a_C} — {a_cls}."), a=a),
                 R(T("What kind of animal is {a}?", "À quelle classe d'animaux appartient {a} ?",
                     "A que classe de animais pertence {a}?", "К какому классу животных относится {a}?"), a=a)),
                (R(T("{a_C} {a_legs}.", "{a_C} {a_legs}.", "{a_C} {a_legs}.", "У {a_gen} {a_legs}."), a=a),
                 R(T("How many legs does {a} have?", "Combien de pattes a {a} ?", "Quantas patas tem {a}?",
                     "Сколько ног у {a_gen}?"), a=a)),
                (R(T("{a_C} is an animal that lives {a_hab}.", "{a_C} est un animal qui vit {a_hab}.",
                     "{a_C} é um animal que vive {a_hab}.", "{a_C} — животное, которое живёт {a_hab}."), a=a),
                 R(T("Where does {a} live?", "Quel est l'habitat {a_de} ?", "Onde vive {a}?", "Где живёт {a}?"), a=a)),
                (R(T("{a_C} feeds on {a_diet}.", "{a_C} se nourrit {a_diet}.",
                     "A alimentação {a_de} é à base {a_diet}.",
                     "{a_C} питается {a_diet}."), a=a),
                 R(T("What does {a} eat?", "Que mange {a} ?", "Qual é a alimentação {a_de}?", "Чем питается {a}?"),
                   a=a))]

    def person_facts(self, p: Person) -> list[tuple[Unit, Unit]]:
        c, x = self.city[p.city], self.product(p.purchase)
        return [(R(T("{p} is {p_a_prof}.", "{p} est {p_prof}.", "{p} é {p_prof}.", "{p} — {p_prof}."), p=p),
                 R(T("What does {p} do for a living?", "Quel est le métier {p_de} ?", "Qual é a profissão de {p}?",
                     "Кем работает {p}?"), p=p)),
                (R(T("{p} lives in {c}.", "{p} habite {c_in}.", "{p} mora {c_in}.", "{p} живёт {c_in}."), p=p, c=c),
                 R(T("In which city does {p} live?", "Dans quelle ville habite {p} ?", "Em que cidade {p} mora?",
                     "В каком городе живёт {p}?"), p=p)),
                (R(T("{p} was born in {y}.", "{p} {p_born} en {y}.", "{p} nasceu em {y}.", "{p} {p_born} в {y} году."),
                   p=p, y=p.year),
                 R(T("In which year was {p} born?", "En quelle année est {p_born_pp} {p} ?", "Em que ano {p} nasceu?",
                     "В каком году {p_born} {p}?"), p=p)),
                (R(T("In {p_his} free time, {p} {p_hobby}.", "Pendant son temps libre, {p} {p_hobby}.",
                     "No tempo livre, {p} {p_hobby}.", "В свободное время {p} {p_hobby}."), p=p),
                 R(T("What does {p} do in {p_his} free time?", "Que fait {p} pendant son temps libre ?",
                     "O que {p} faz no tempo livre?", "Чем {p} занимается в свободное время?"), p=p)),
                (R(T("Last month, {p} bought {x_a} for {m}.", "Le mois dernier, {p} a acheté {x_a} pour {m}.",
                     "No mês passado, {p} comprou {x_a} por {m}.", "В прошлом месяце {p} {p_bought} {x_acc} за {m}."),
                   p=p, x=x, m=euros(self.price[x.key])),
                 R(T("How much did {p} pay for {x}?", "Combien a coûté {x} {p_de} ?", "Quanto custou {x} de {p}?",
                     "Сколько {p} {p_paid} за {x_acc}?"), p=p, x=x))]

    def product(self, key: str) -> Product:
        return next(x for x in self.products if x.key == key)

    def product_facts(self, x: Product) -> list[tuple[Unit, Unit]]:
        return [(R(T("The price of {x} is {m}.", "Le prix {x_de} est de {m}.", "O preço {x_de} é de {m}.",
                     "{x_C} {x_costs} {m}."),
                   x=x, m=euros(self.price[x.key])),
                 R(T("How much does {x} cost?", "Combien coûte {x} ?", "Qual é o preço {x_de}?",
                     "Сколько {x_costs} {x}?"),
                   x=x))]

    def event_facts(self, e: Event) -> list[tuple[Unit, Unit]]:
        c, p = self.city[e.city], self.people[e.organizer]
        return [(R(T("{e_C} in {c} takes place on {d}.", "{e_C} {c_in} a lieu le {d}.", "{e_C} {c_in} acontece em {d}.",
                     "{e_C} {c_in} пройдёт {d}."), e=e.kind, c=c, d=date(e.month, e.day)),
                 R(T("When does {e} in {c} take place?", "Quand a lieu {e} {c_in} ?", "Quando acontece {e} {c_in}?",
                     "Когда пройдёт {e} {c_in}?"), e=e.kind, c=c)),
                (R(T("A ticket for {e} in {c} costs {m}.", "Un billet pour {e} {c_in} coûte {m}.",
                     "O ingresso para {e} {c_in} custa {m}.", "Билет на {e_acc} {c_in} стоит {m}."),
                   e=e.kind, c=c, m=euros(e.price)),
                 R(T("How much does a ticket for {e} in {c} cost?", "Combien coûte un billet pour {e} {c_in} ?",
                     "Quanto custa o ingresso para {e} {c_in}?", "Сколько стоит билет на {e_acc} {c_in}?"),
                   e=e.kind, c=c)),
                (R(T("{e_C} in {c} is organized by {p}.", "{e_C} {c_in} est {e_organized} par {p}.",
                     "{e_C} {c_in} é {e_organized} por {p}.", "{e_C} {c_in} организует {p}."), e=e.kind, c=c, p=p),
                 R(T("Who organizes {e} in {c}?", "Qui organise {e} {c_in} ?", "Quem organiza {e} {c_in}?",
                     "Кто организует {e_acc} {c_in}?"), e=e.kind, c=c))]

    def trip_facts(self, t: Trip) -> list[tuple[Unit, Unit]]:
        a, b = self.city[t.a], self.city[t.b]
        kw = dict(a=a, b=b, t1=clock(t.dep), t2=clock(t.dep + t.minutes))
        if t.train:
            sched = R(T("The train from {a} to {b} leaves at {t1} and arrives at {t2}.",
                        "Le train {a_from} {b_to} part à {t1} et arrive à {t2}.",
                        "O trem {a_from} {b_to} sai às {t1} e chega às {t2}.",
                        "Поезд {a_from} {b_to} отправляется в {t1} и прибывает в {t2}."), **kw)
            q = R(T("When does the train from {a} to {b} leave?", "À quelle heure part le train {a_from} {b_to} ?",
                    "Em que horário sai o trem {a_from} {b_to}?",
                    "Во сколько отправляется поезд {a_from} {b_to}?"), **kw)
        else:
            sched = R(T("The flight from {a} to {b} departs at {t1} and lands at {t2}.",
                        "Le vol {a_from} pour {b} décolle à {t1} et atterrit à {t2}.",
                        "O voo {a_from} {b_to} decola às {t1} e pousa às {t2}.",
                        "Самолёт {a_from} {b_to} вылетает в {t1} и приземляется в {t2}."), **kw)
            q = R(T("When does the flight from {a} to {b} depart?", "À quelle heure décolle le vol {a_from} pour {b} ?",
                    "Em que horário decola o voo {a_from} {b_to}?", "Во сколько вылетает самолёт {a_from} {b_to}?"),
                  **kw)
        dur = R(T("The journey from {a} to {b} takes {d}.", "Le trajet {a_from} {b_to} dure {d}.",
                  "A viagem {a_from} {b_to} dura {d}.", "Дорога {a_from} {b_to} занимает {d}."),
                a=a, b=b, d=duration(t.minutes))
        qd = R(T("How long does the journey from {a} to {b} take?", "Combien de temps dure le trajet {a_from} {b_to} ?",
                 "Quanto tempo dura a viagem {a_from} {b_to}?", "Сколько времени занимает дорога {a_from} {b_to}?"),
               a=a, b=b)
        return [(sched, q), (dur, qd)]

    # -- passages (several facts about one entity) -------------------------------------------
    def city_passage(self, c: City, with_events: bool = True) -> Unit:
        k = self.country_of(c)
        kind, t = self.weather[c.key]
        parts = [R(T("{c} is a city in {k}.", "{c} est une ville {k_of}.", "{c} é uma cidade {k_in}.",
                     "{c} — город {k_in}."), c=c, k=k)]
        if CAPITALS[k.key] == c.key:
            parts.append(R(T("It is the capital of {k}.", "C'est la capitale {k_de}.", "É a capital {k_de}.",
                             "Это столица {k_gen}."), k=k))
        if c.river:
            parts.append(R(T("The city lies on {r} and has about {pop} inhabitants.",
                             "La ville se trouve sur {r} et compte environ {pop} habitants.",
                             "A cidade fica às margens do rio {r} e tem cerca de {pop} habitantes.",
                             "Город стоит {r_on}, в нём живёт около {pop} человек."),
                           r=self.river[c.river], pop=num(c.pop)))
        else:
            parts.append(R(T("The city has about {pop} inhabitants.", "La ville compte environ {pop} habitants.",
                             "A cidade tem cerca de {pop} habitantes.", "В городе живёт около {pop} человек."),
                           pop=num(c.pop)))
        parts.append(R(T("Today {w}, and the temperature is {deg}.",
                         "Aujourd'hui, {w}, et la température est de {deg}.",
                         "Hoje {w}, e a temperatura é de {deg}.", "Сегодня там {w}, температура {deg}."),
                       w=WEATHER[kind][0], deg=degrees(t)))
        if with_events:
            for e in self.events:
                if e.city == c.key:
                    parts.append(R(T("{e_C} takes place there on {d}.", "{e_C} y a lieu le {d}.",
                                     "{e_C} acontece lá em {d}.", "{e_C} пройдёт там {d}."),
                                   e=e.kind, d=date(e.month, e.day)))
        return J(*parts)

    def city_summary(self, c: City) -> Unit:
        k = self.country_of(c)
        river = ({l: "" for l in LANGS} if not c.river else
                 R(T(", on {r}", ", située sur {r}", ", às margens do rio {r}", ", стоящий {r_on}"),
                   r=self.river[c.river]))
        return R(T("{c} is a city in {k} with about {pop} inhabitants{r}.",
                   "{c} est une ville {k_of} d'environ {pop} habitants{r}.",
                   "{c} é uma cidade {k_in} com cerca de {pop} habitantes{r}.",
                   "{c} — город {k_in} с населением около {pop} человек{r}."), c=c, k=k, pop=num(c.pop), r=river)

    def person_passage(self, p: Person, purchase: bool = True) -> Unit:
        c, x = self.city[p.city], self.product(p.purchase)
        parts = [R(T("{p} is {p_a_prof} who lives in {c}.", "{p} est {p_prof} et habite {c_in}.",
                     "{p} é {p_prof} e mora {c_in}.", "{p} — {p_prof}, живёт {c_in}."), p=p, c=c),
                 R(T("{p_he_C} was born in {y}.", "{p_he_C} {p_born} en {y}.", "{p_he_C} nasceu em {y}.",
                     "{p_he_C} {p_born} в {y} году."), p=p, y=p.year),
                 R(T("In {p_his} free time, {p_he} {p_hobby}.", "Pendant son temps libre, {p_he} {p_hobby}.",
                     "No tempo livre, {p_he} {p_hobby}.", "В свободное время {p_he} {p_hobby}."), p=p)]
        if purchase:
            parts.append(R(T("Last month, {p_he} bought {x_a} for {m}.",
                             "Le mois dernier, {p_he} a acheté {x_a} pour {m}.",
                             "No mês passado, {p_he} comprou {x_a} por {m}.",
                             "В прошлом месяце {p_he} {p_bought} {x_acc} за {m}."),
                           p=p, x=x, m=euros(self.price[x.key])))
        return J(*parts)

    def person_summary(self, p: Person) -> Unit:
        return R(T("{p}, {p_a_prof} from {c} born in {y}, {p_hobby} in {p_his} free time.",
                   "{p}, {p_prof} {c_in} {p_born_pp} en {y}, {p_hobby} pendant son temps libre.",
                   "{p}, {p_prof} em {c} {p_born_adj} em {y}, {p_hobby} no tempo livre.",
                   "{p} — {p_prof} {c_from}, {p_born_part} в {y} году; в свободное время {p_he} {p_hobby}."),
                 p=p, c=self.city[p.city], y=p.year)

    def event_passage(self, e: Event) -> Unit:
        c, p = self.city[e.city], self.people[e.organizer]
        return J(R(T("{e_C} in {c} takes place on {d}.", "{e_C} {c_in} a lieu le {d}.", "{e_C} {c_in} acontece em {d}.",
                     "{e_C} {c_in} пройдёт {d}."), e=e.kind, c=c, d=date(e.month, e.day)),
                 R(T("{p} ({p_prof}) is in charge of the organization.", "{p} ({p_prof}) s'occupe de l'organisation.",
                     "{p} ({p_prof}) cuida da organização.", "Организацией занимается {p} ({p_prof})."), p=p),
                 R(T("A ticket costs {m}.", "Un billet coûte {m}.", "O ingresso custa {m}.", "Билет стоит {m}."),
                   m=euros(e.price)))

    def event_summary(self, e: Event) -> Unit:
        c, p = self.city[e.city], self.people[e.organizer]
        return R(T("{e_C} in {c}, organized by {p}, takes place on {d}, and a ticket costs {m}.",
                   "{e_C} {c_in}, {e_organized} par {p}, a lieu le {d}, et un billet coûte {m}.",
                   "{e_C} {c_in}, {e_organized} por {p}, acontece em {d}, e o ingresso custa {m}.",
                   "{e_C} {c_in}, {e_which} организует {p}, пройдёт {d}, а билет стоит {m}."),
                 e=e.kind, c=c, p=p, d=date(e.month, e.day), m=euros(e.price))

    def animal_passage(self, a: Animal) -> Unit:
        return J(R(T("{a_C} is {a_cls_a}.", "{a_C} est {a_cls_a}.", "{a_C} é {a_cls_a}.", "{a_C} — {a_cls}."), a=a),
                 R(T("{a_it_C} lives {a_hab} and feeds on {a_diet}.", "{a_it_C} vit {a_hab} et se nourrit {a_diet}.",
                     "{a_it_C} vive {a_hab}, e sua alimentação é à base {a_diet}.",
                     "{a_it_C} живёт {a_hab} и питается {a_diet}."), a=a),
                 R(T("{a_it_C} {a_legs}.", "{a_it_C} {a_legs}.", "{a_it_C} {a_legs}.", "У {a_it_gen} {a_legs}."), a=a))

    def country_passage(self, k: Country) -> Unit:
        cities = self.cities_in(k)
        parts = [self.country_facts(k)[0][0], self.country_facts(k)[1][0]]
        if len(cities) > 1:
            parts.append(R(T("The cities of {l} are in {k}.", "Les villes de {l} se trouvent {k_in}.",
                             "As cidades de {l} ficam {k_in}.", "Города {l} находятся {k_in}."),
                           k=k, l=join_list([F(T("{c}", "{c}", "{c}", "{c}"), c=c) for c in cities])))
        return J(*parts)

    def _build(self):
        for c in self.cities:
            self.qas += [(q, a) for a, q in self.city_facts(c)]
            self.passages.append(self.city_passage(c))
        for k in self.country.values():
            self.qas += [(q, a) for a, q in self.country_facts(k)]
            self.passages.append(self.country_passage(k))
        for a in self.animals:
            self.qas += [(q, f) for f, q in self.animal_facts(a)]
            self.passages.append(self.animal_passage(a))
        for p in self.people:
            self.qas += [(q, f) for f, q in self.person_facts(p)]
            self.passages.append(self.person_passage(p))
        for x in self.products:
            self.qas += [(q, f) for f, q in self.product_facts(x)]
        for e in self.events:
            self.qas += [(q, f) for f, q in self.event_facts(e)]
            self.passages.append(self.event_passage(e))
        for t in self.trips:
            self.qas += [(q, f) for f, q in self.trip_facts(t)]
        self.facts = [a for _, a in self.qas]


# --------------------------------------------------------------------------------------------
# Miscellaneous sentences (arithmetic, numbers, appointments): unlimited supply for corpus and MT
# --------------------------------------------------------------------------------------------
def misc_qa(w: World, rng: Random) -> tuple[Unit, Unit]:
    kind = rng.randrange(4)
    if kind == 0:
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        return (R(T("What is {a} plus {b}?", "Combien font {a} plus {b} ?", "Quanto é {a} mais {b}?",
                    "Сколько будет {a} плюс {b}?"), a=a, b=b),
                R(T("{a} plus {b} is {c}.", "{a} plus {b} font {c}.", "{a} mais {b} é igual a {c}.",
                    "{a} плюс {b} равно {c}."), a=a, b=b, c=a + b))
    if kind == 1:
        a, b = rng.randint(2, 12), rng.randint(2, 12)
        return (R(T("What is {a} times {b}?", "Combien font {a} fois {b} ?", "Quanto é {a} vezes {b}?",
                    "Сколько будет {a} умножить на {b}?"), a=a, b=b),
                R(T("{a} times {b} is {c}.", "{a} fois {b} font {c}.", "{a} vezes {b} é igual a {c}.",
                    "{a} умножить на {b} равно {c}."), a=a, b=b, c=a * b))
    if kind == 2:
        n = rng.randint(3, 999)
        even = n % 2 == 0
        return (R(T("Is {n} an even or an odd number?", "Le nombre {n} est-il pair ou impair ?",
                    "Você sabe se o número {n} é par ou ímpar?", "Число {n} чётное или нечётное?"), n=n),
                R(T("{n} is an even number.", "{n} est un nombre pair.", "{n} é um número par.", "Число {n} чётное.")
                  if even else T("{n} is an odd number.", "{n} est un nombre impair.", "{n} é um número ímpar.",
                                 "Число {n} нечётное."), n=n))
    p, c = rng.choice(w.people), rng.choice(w.cities)
    kw = dict(p=p, c=c, d=date(rng.randint(1, 12), rng.randint(1, 28)), t=clock(5 * rng.randint(96, 216)))
    return (R(T("Where is {p} going on {d}?", "Où va {p} le {d} ?", "Aonde {p} vai em {d}?", "Куда едет {p} {d}?"),
              **kw),
            R(T("On {d}, {p} has a meeting in {c} at {t}.", "Le {d}, {p} a une réunion {c_in} à {t}.",
                "Em {d}, {p} tem uma reunião {c_in} às {t}.", "{d_C} у {p_gen} встреча {c_in} в {t}."), **kw))
