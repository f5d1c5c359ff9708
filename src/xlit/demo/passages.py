"""The demo world's passages (several facts about one entity) and one-sentence summaries in the four languages:
a mixin of `World`, which holds the entities these methods read and its facts (`Facts`)."""

from __future__ import annotations

from .animals import Animal
from .geography import CAPITALS, WEATHER, City, Country
from .grammar import LANGS, F, J, R, T, Unit, date, degrees, euros, join_list, num
from .lexicon import Event, Person


class Passages:
    """World's passages: `*_passage(entity)` and `*_summary(entity)` -> Unit."""

    # -- passages (several facts about one entity) -------------------------------------------
    def city_passage(self, c: City, with_events: bool = True) -> Unit:
        k = self.country_of(c)
        kind, t = self.weather[c.key]
        parts = [
            R(
                T(
                    "{c} is a city in {k}.",
                    "{c} est une ville {k_of}.",
                    "{c} é uma cidade {k_in}.",
                    "{c} — город {k_in}.",
                ),
                c=c,
                k=k,
            )
        ]
        if CAPITALS[k.key] == c.key:
            parts.append(
                R(
                    T(
                        "It is the capital of {k}.",
                        "C'est la capitale {k_de}.",
                        "É a capital {k_de}.",
                        "Это столица {k_gen}.",
                    ),
                    k=k,
                )
            )
        if c.river:
            parts.append(
                R(
                    T(
                        "The city lies on {r} and has about {pop} inhabitants.",
                        "La ville se trouve sur {r} et compte environ {pop} habitants.",
                        "A cidade fica às margens do rio {r} e tem cerca de {pop} habitantes.",
                        "Город стоит {r_on}, в нём живёт около {pop} человек.",
                    ),
                    r=self.river[c.river],
                    pop=num(c.pop),
                )
            )
        else:
            parts.append(
                R(
                    T(
                        "The city has about {pop} inhabitants.",
                        "La ville compte environ {pop} habitants.",
                        "A cidade tem cerca de {pop} habitantes.",
                        "В городе живёт около {pop} человек.",
                    ),
                    pop=num(c.pop),
                )
            )
        parts.append(
            R(
                T(
                    "Today {w}, and the temperature is {deg}.",
                    "Aujourd'hui, {w}, et la température est de {deg}.",
                    "Hoje {w}, e a temperatura é de {deg}.",
                    "Сегодня там {w}, температура {deg}.",
                ),
                w=WEATHER[kind][0],
                deg=degrees(t),
            )
        )
        if with_events:
            for e in self.events:
                if e.city == c.key:
                    parts.append(
                        R(
                            T(
                                "{e_C} takes place there on {d}.",
                                "{e_C} y a lieu le {d}.",
                                "{e_C} acontece lá em {d}.",
                                "{e_C} пройдёт там {d}.",
                            ),
                            e=e.kind,
                            d=date(e.month, e.day),
                        )
                    )
        return J(*parts)

    def city_summary(self, c: City) -> Unit:
        k = self.country_of(c)
        river = (
            {l: "" for l in LANGS}
            if not c.river
            else R(
                T(", on {r}", ", située sur {r}", ", às margens do rio {r}", ", стоящий {r_on}"), r=self.river[c.river]
            )
        )
        return R(
            T(
                "{c} is a city in {k} with about {pop} inhabitants{r}.",
                "{c} est une ville {k_of} d'environ {pop} habitants{r}.",
                "{c} é uma cidade {k_in} com cerca de {pop} habitantes{r}.",
                "{c} — город {k_in} с населением около {pop} человек{r}.",
            ),
            c=c,
            k=k,
            pop=num(c.pop),
            r=river,
        )

    def person_passage(self, p: Person, purchase: bool = True) -> Unit:
        c, x = self.city[p.city], self.product(p.purchase)
        parts = [
            R(
                T(
                    "{p} is {p_a_prof} who lives in {c}.",
                    "{p} est {p_prof} et habite {c_in}.",
                    "{p} é {p_prof} e mora {c_in}.",
                    "{p} — {p_prof}, живёт {c_in}.",
                ),
                p=p,
                c=c,
            ),
            R(
                T(
                    "{p_he_C} was born in {y}.",
                    "{p_he_C} {p_born} en {y}.",
                    "{p_he_C} nasceu em {y}.",
                    "{p_he_C} {p_born} в {y} году.",
                ),
                p=p,
                y=p.year,
            ),
            R(
                T(
                    "In {p_his} free time, {p_he} {p_hobby}.",
                    "Pendant son temps libre, {p_he} {p_hobby}.",
                    "No tempo livre, {p_he} {p_hobby}.",
                    "В свободное время {p_he} {p_hobby}.",
                ),
                p=p,
            ),
        ]
        if purchase:
            parts.append(
                R(
                    T(
                        "Last month, {p_he} bought {x_a} for {m}.",
                        "Le mois dernier, {p_he} a acheté {x_a} pour {m}.",
                        "No mês passado, {p_he} comprou {x_a} por {m}.",
                        "В прошлом месяце {p_he} {p_bought} {x_acc} за {m}.",
                    ),
                    p=p,
                    x=x,
                    m=euros(self.price[x.key]),
                )
            )
        return J(*parts)

    def person_summary(self, p: Person) -> Unit:
        return R(
            T(
                "{p}, {p_a_prof} from {c} born in {y}, {p_hobby} in {p_his} free time.",
                "{p}, {p_prof} {c_in} {p_born_pp} en {y}, {p_hobby} pendant son temps libre.",
                "{p}, {p_prof} em {c} {p_born_adj} em {y}, {p_hobby} no tempo livre.",
                "{p} — {p_prof} {c_from}, {p_born_part} в {y} году; в свободное время {p_he} {p_hobby}.",
            ),
            p=p,
            c=self.city[p.city],
            y=p.year,
        )

    def event_passage(self, e: Event) -> Unit:
        p = self.people[e.organizer]
        return J(
            self.event_facts(e)[0][0],  # when and where, as the fact says it
            R(
                T(
                    "{p} ({p_prof}) is in charge of the organization.",
                    "{p} ({p_prof}) s'occupe de l'organisation.",
                    "{p} ({p_prof}) cuida da organização.",
                    "Организацией занимается {p} ({p_prof}).",
                ),
                p=p,
            ),
            R(
                T("A ticket costs {m}.", "Un billet coûte {m}.", "O ingresso custa {m}.", "Билет стоит {m}."),
                m=euros(e.price),
            ),
        )

    def event_summary(self, e: Event) -> Unit:
        c, p = self.city[e.city], self.people[e.organizer]
        return R(
            T(
                "{e_C} in {c}, organized by {p}, takes place on {d}, and a ticket costs {m}.",
                "{e_C} {c_in}, {e_organized} par {p}, a lieu le {d}, et un billet coûte {m}.",
                "{e_C} {c_in}, {e_organized} por {p}, acontece em {d}, e o ingresso custa {m}.",
                "{e_C} {c_in}, {e_which} организует {p}, пройдёт {d}, а билет стоит {m}.",
            ),
            e=e.kind,
            c=c,
            p=p,
            d=date(e.month, e.day),
            m=euros(e.price),
        )

    def animal_passage(self, a: Animal) -> Unit:
        return J(
            R(T("{a_C} is {a_cls_a}.", "{a_C} est {a_cls_a}.", "{a_C} é {a_cls_a}.", "{a_C} — {a_cls}."), a=a),
            R(
                T(
                    "{a_it_C} lives {a_hab} and feeds on {a_diet}.",
                    "{a_it_C} vit {a_hab} et se nourrit {a_diet}.",
                    "{a_it_C} vive {a_hab}, e sua alimentação é à base {a_diet}.",
                    "{a_it_C} живёт {a_hab} и питается {a_diet}.",
                ),
                a=a,
            ),
            R(T("{a_it_C} {a_legs}.", "{a_it_C} {a_legs}.", "{a_it_C} {a_legs}.", "У {a_it_gen} {a_legs}."), a=a),
        )

    def country_passage(self, k: Country) -> Unit:
        cities = self.cities_in(k)
        parts = [self.country_facts(k)[0][0], self.country_facts(k)[1][0]]
        if len(cities) > 1:
            parts.append(
                R(
                    T(
                        "The cities of {l} are in {k}.",
                        "Les villes de {l} se trouvent {k_in}.",
                        "As cidades de {l} ficam {k_in}.",
                        "Города {l} находятся {k_in}.",
                    ),
                    k=k,
                    l=join_list([F(T("{c}", "{c}", "{c}", "{c}"), c=c) for c in cities]),
                )
            )
        return J(*parts)
