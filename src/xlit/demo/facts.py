"""The demo world's single facts in the four languages, each with the question that asks for it: a mixin of
`World`, which holds the entities these methods read (cities, countries, rivers, weather, prices, people)."""

from __future__ import annotations

from .animals import Animal
from .geography import CAPITALS, LANGUAGES, WEATHER, City, Country
from .grammar import F, R, T, Unit, clock, date, degrees, duration, euros, join_list, num
from .lexicon import Event, Person, Product, Trip


class Facts:
    """World's facts: `*_facts(entity)` -> [(fact, question)]; one-sentence renderings of a city's river and
    weather."""

    def langs_of(self, k: Country) -> Unit:
        return join_list([F(T("{l}", "{l}", "{l}", "{l}"), l=LANGUAGES[x]) for x in k.langs])

    # -- single facts and the questions that ask for them ------------------------------------
    def city_facts(self, c: City) -> list[tuple[Unit, Unit]]:
        k = self.country_of(c)
        out = [
            (
                R(
                    T(
                        "{c} is a city in {k}.",
                        "{c} est une ville {k_of}.",
                        "{c} é uma cidade {k_in}.",
                        "{c} — город {k_in}.",
                    ),
                    c=c,
                    k=k,
                ),
                R(
                    T(
                        "In which country is {c}?",
                        "Dans quel pays se trouve {c} ?",
                        "Em que país fica {c}?",
                        "В какой стране находится {c}?",
                    ),
                    c=c,
                ),
            ),
            (
                R(
                    T(
                        "{c} has about {pop} inhabitants.",
                        "{c} compte environ {pop} habitants.",
                        "{c} tem cerca de {pop} habitantes.",
                        "{c_in_C} живёт около {pop} человек.",
                    ),
                    c=c,
                    pop=num(c.pop),
                ),
                R(
                    T(
                        "How many people live in {c}?",
                        "Combien d'habitants compte {c} ?",
                        "Quantos habitantes tem {c}?",
                        "Сколько человек живёт {c_in}?",
                    ),
                    c=c,
                ),
            ),
            (
                self.weather_sentence(c),
                R(
                    T(
                        "What is the weather like in {c} today?",
                        "Quel temps fait-il {c_in} aujourd'hui ?",
                        "Como está o tempo {c_in} hoje?",
                        "Какая сегодня погода {c_in}?",
                    ),
                    c=c,
                ),
            ),
        ]
        if c.river:
            out.append(
                (
                    self.river_sentence(c),
                    R(
                        T(
                            "Which river does {c} lie on?",
                            "Sur quel cours d'eau se trouve {c} ?",
                            "Qual rio passa por {c}?",
                            "На какой реке стоит {c}?",
                        ),
                        c=c,
                    ),
                )
            )
        return out

    def river_sentence(self, c: City) -> Unit:
        return R(
            T("{c} lies on {r}.", "{c} se trouve sur {r}.", "{c} fica às margens do rio {r}.", "{c} стоит {r_on}."),
            c=c,
            r=self.river[c.river],
        )

    def weather_sentence(self, c: City) -> Unit:
        kind, t = self.weather[c.key]
        return R(
            T(
                "Today in {c} {w}, and the temperature is {deg}.",
                "Aujourd'hui {c_in}, {w}, et la température est de {deg}.",
                "Hoje {c_in} {w}, e a temperatura é de {deg}.",
                "Сегодня {c_in} {w}, температура {deg}.",
            ),
            c=c,
            w=WEATHER[kind][0],
            deg=degrees(t),
        )

    def country_facts(self, k: Country) -> list[tuple[Unit, Unit]]:
        cap_city = self.city[CAPITALS[k.key]]
        return [
            (
                R(
                    T(
                        "The capital of {k} is {c}.",
                        "La capitale {k_de} est {c}.",
                        "A capital {k_de} é {c}.",
                        "Столица {k_gen} — {c}.",
                    ),
                    k=k,
                    c=cap_city,
                ),
                R(
                    T(
                        "What is the capital of {k}?",
                        "Quelle est la capitale {k_de} ?",
                        "Qual é a capital {k_de}?",
                        "Какой город является столицей {k_gen}?",
                    ),
                    k=k,
                ),
            ),
            (
                R(
                    T(
                        "In {k}, people speak {l}.",
                        "{k_in_C}, on parle {l}.",
                        "{k_in_C}, fala-se {l}.",
                        "{k_in_C} говорят {l}.",
                    ),
                    k=k,
                    l=self.langs_of(k),
                ),
                R(
                    T(
                        "What language do people speak in {k}?",
                        "Quelle langue parle-t-on {k_in} ?",
                        "Que língua se fala {k_in}?",
                        "На каком языке говорят {k_in}?",
                    ),
                    k=k,
                ),
            ),
        ]

    def animal_facts(self, a: Animal) -> list[tuple[Unit, Unit]]:
        return [
            (
                R(T("{a_C} is {a_cls_a}.", "{a_C} est {a_cls_a}.", "{a_C} é {a_cls_a}.", "{a_C} — {a_cls}."), a=a),
                R(
                    T(
                        "What kind of animal is {a}?",
                        "À quelle classe d'animaux appartient {a} ?",
                        "A que classe de animais pertence {a}?",
                        "К какому классу животных относится {a}?",
                    ),
                    a=a,
                ),
            ),
            (
                R(T("{a_C} {a_legs}.", "{a_C} {a_legs}.", "{a_C} {a_legs}.", "У {a_gen} {a_legs}."), a=a),
                R(
                    T(
                        "How many legs does {a} have?",
                        "Combien de pattes a {a} ?",
                        "Quantas patas tem {a}?",
                        "Сколько ног у {a_gen}?",
                    ),
                    a=a,
                ),
            ),
            (
                R(
                    T(
                        "{a_C} is an animal that lives {a_hab}.",
                        "{a_C} est un animal qui vit {a_hab}.",
                        "{a_C} é um animal que vive {a_hab}.",
                        "{a_C} — животное, которое живёт {a_hab}.",
                    ),
                    a=a,
                ),
                R(T("Where does {a} live?", "Quel est l'habitat {a_de} ?", "Onde vive {a}?", "Где живёт {a}?"), a=a),
            ),
            (
                R(
                    T(
                        "{a_C} feeds on {a_diet}.",
                        "{a_C} se nourrit {a_diet}.",
                        "A alimentação {a_de} é à base {a_diet}.",
                        "{a_C} питается {a_diet}.",
                    ),
                    a=a,
                ),
                R(T("What does {a} eat?", "Que mange {a} ?", "Qual é a alimentação {a_de}?", "Чем питается {a}?"), a=a),
            ),
        ]

    def person_facts(self, p: Person) -> list[tuple[Unit, Unit]]:
        c, x = self.city[p.city], self.product(p.purchase)
        return [
            (
                R(T("{p} is {p_a_prof}.", "{p} est {p_prof}.", "{p} é {p_prof}.", "{p} — {p_prof}."), p=p),
                R(
                    T(
                        "What does {p} do for a living?",
                        "Quel est le métier {p_de} ?",
                        "Qual é a profissão de {p}?",
                        "Кем работает {p}?",
                    ),
                    p=p,
                ),
            ),
            (
                R(T("{p} lives in {c}.", "{p} habite {c_in}.", "{p} mora {c_in}.", "{p} живёт {c_in}."), p=p, c=c),
                R(
                    T(
                        "In which city does {p} live?",
                        "Dans quelle ville habite {p} ?",
                        "Em que cidade {p} mora?",
                        "В каком городе живёт {p}?",
                    ),
                    p=p,
                ),
            ),
            (
                R(
                    T("{p} was born in {y}.", "{p} {p_born} en {y}.", "{p} nasceu em {y}.", "{p} {p_born} в {y} году."),
                    p=p,
                    y=p.year,
                ),
                R(
                    T(
                        "In which year was {p} born?",
                        "En quelle année est {p_born_pp} {p} ?",
                        "Em que ano {p} nasceu?",
                        "В каком году {p_born} {p}?",
                    ),
                    p=p,
                ),
            ),
            (
                R(
                    T(
                        "In {p_his} free time, {p} {p_hobby}.",
                        "Pendant son temps libre, {p} {p_hobby}.",
                        "No tempo livre, {p} {p_hobby}.",
                        "В свободное время {p} {p_hobby}.",
                    ),
                    p=p,
                ),
                R(
                    T(
                        "What does {p} do in {p_his} free time?",
                        "Que fait {p} pendant son temps libre ?",
                        "O que {p} faz no tempo livre?",
                        "Чем {p} занимается в свободное время?",
                    ),
                    p=p,
                ),
            ),
            (
                R(
                    T(
                        "Last month, {p} bought {x_a} for {m}.",
                        "Le mois dernier, {p} a acheté {x_a} pour {m}.",
                        "No mês passado, {p} comprou {x_a} por {m}.",
                        "В прошлом месяце {p} {p_bought} {x_acc} за {m}.",
                    ),
                    p=p,
                    x=x,
                    m=euros(self.price[x.key]),
                ),
                R(
                    T(
                        "How much did {p} pay for {x}?",
                        "Combien a coûté {x} {p_de} ?",
                        "Quanto custou {x} de {p}?",
                        "Сколько {p} {p_paid} за {x_acc}?",
                    ),
                    p=p,
                    x=x,
                ),
            ),
        ]

    def product_facts(self, x: Product) -> list[tuple[Unit, Unit]]:
        return [
            (
                R(
                    T(
                        "The price of {x} is {m}.",
                        "Le prix {x_de} est de {m}.",
                        "O preço {x_de} é de {m}.",
                        "{x_C} {x_costs} {m}.",
                    ),
                    x=x,
                    m=euros(self.price[x.key]),
                ),
                R(
                    T(
                        "How much does {x} cost?",
                        "Combien coûte {x} ?",
                        "Qual é o preço {x_de}?",
                        "Сколько {x_costs} {x}?",
                    ),
                    x=x,
                ),
            )
        ]

    def event_facts(self, e: Event) -> list[tuple[Unit, Unit]]:
        c, p = self.city[e.city], self.people[e.organizer]
        return [
            (
                R(
                    T(
                        "{e_C} in {c} takes place on {d}.",
                        "{e_C} {c_in} a lieu le {d}.",
                        "{e_C} {c_in} acontece em {d}.",
                        "{e_C} {c_in} пройдёт {d}.",
                    ),
                    e=e.kind,
                    c=c,
                    d=date(e.month, e.day),
                ),
                R(
                    T(
                        "When does {e} in {c} take place?",
                        "Quand a lieu {e} {c_in} ?",
                        "Quando acontece {e} {c_in}?",
                        "Когда пройдёт {e} {c_in}?",
                    ),
                    e=e.kind,
                    c=c,
                ),
            ),
            (
                R(
                    T(
                        "A ticket for {e} in {c} costs {m}.",
                        "Un billet pour {e} {c_in} coûte {m}.",
                        "O ingresso para {e} {c_in} custa {m}.",
                        "Билет на {e_acc} {c_in} стоит {m}.",
                    ),
                    e=e.kind,
                    c=c,
                    m=euros(e.price),
                ),
                R(
                    T(
                        "How much does a ticket for {e} in {c} cost?",
                        "Combien coûte un billet pour {e} {c_in} ?",
                        "Quanto custa o ingresso para {e} {c_in}?",
                        "Сколько стоит билет на {e_acc} {c_in}?",
                    ),
                    e=e.kind,
                    c=c,
                ),
            ),
            (
                R(
                    T(
                        "{e_C} in {c} is organized by {p}.",
                        "{e_C} {c_in} est {e_organized} par {p}.",
                        "{e_C} {c_in} é {e_organized} por {p}.",
                        "{e_C} {c_in} организует {p}.",
                    ),
                    e=e.kind,
                    c=c,
                    p=p,
                ),
                R(
                    T(
                        "Who organizes {e} in {c}?",
                        "Qui organise {e} {c_in} ?",
                        "Quem organiza {e} {c_in}?",
                        "Кто организует {e_acc} {c_in}?",
                    ),
                    e=e.kind,
                    c=c,
                ),
            ),
        ]

    def trip_facts(self, t: Trip) -> list[tuple[Unit, Unit]]:
        a, b = self.city[t.a], self.city[t.b]
        kw = dict(a=a, b=b, t1=clock(t.dep), t2=clock(t.dep + t.minutes))
        if t.train:
            sched = R(
                T(
                    "The train from {a} to {b} leaves at {t1} and arrives at {t2}.",
                    "Le train {a_from} {b_to} part à {t1} et arrive à {t2}.",
                    "O trem {a_from} {b_to} sai às {t1} e chega às {t2}.",
                    "Поезд {a_from} {b_to} отправляется в {t1} и прибывает в {t2}.",
                ),
                **kw,
            )
            q = R(
                T(
                    "When does the train from {a} to {b} leave?",
                    "À quelle heure part le train {a_from} {b_to} ?",
                    "Em que horário sai o trem {a_from} {b_to}?",
                    "Во сколько отправляется поезд {a_from} {b_to}?",
                ),
                **kw,
            )
        else:
            sched = R(
                T(
                    "The flight from {a} to {b} departs at {t1} and lands at {t2}.",
                    "Le vol {a_from} pour {b} décolle à {t1} et atterrit à {t2}.",
                    "O voo {a_from} {b_to} decola às {t1} e pousa às {t2}.",
                    "Самолёт {a_from} {b_to} вылетает в {t1} и приземляется в {t2}.",
                ),
                **kw,
            )
            q = R(
                T(
                    "When does the flight from {a} to {b} depart?",
                    "À quelle heure décolle le vol {a_from} pour {b} ?",
                    "Em que horário decola o voo {a_from} {b_to}?",
                    "Во сколько вылетает самолёт {a_from} {b_to}?",
                ),
                **kw,
            )
        dur = R(
            T(
                "The journey from {a} to {b} takes {d}.",
                "Le trajet {a_from} {b_to} dure {d}.",
                "A viagem {a_from} {b_to} dura {d}.",
                "Дорога {a_from} {b_to} занимает {d}.",
            ),
            a=a,
            b=b,
            d=duration(t.minutes),
        )
        qd = R(
            T(
                "How long does the journey from {a} to {b} take?",
                "Combien de temps dure le trajet {a_from} {b_to} ?",
                "Quanto tempo dura a viagem {a_from} {b_to}?",
                "Сколько времени занимает дорога {a_from} {b_to}?",
            ),
            a=a,
            b=b,
        )
        return [(sched, q), (dur, qd)]
