"""The demo world: fixed geography and animals, seeded people, prices, events, journeys and weather (`World(seed)`),
with the facts, questions and passages about them in the four languages (`Facts`, `Passages`); `misc_qa` adds
arithmetic, number and appointment sentences without limit for the corpus and the parallel text."""

from __future__ import annotations

from random import Random

from .animals import ANIMALS
from .facts import Facts
from .geography import CITIES, COUNTRIES, RIVERS, SNOWY, WEATHER, City, Country
from .grammar import R, T, Unit, clock, date
from .lexicon import (
    EVENT_TYPES,
    FIRST_NAMES,
    HOBBIES,
    LAST_NAMES,
    PRODUCTS,
    PROFESSIONS,
    Event,
    Person,
    Product,
    Trip,
)
from .passages import Passages


# --------------------------------------------------------------------------------------------
# The world: fixed geography and animals, seeded people, prices, events, journeys and weather
# --------------------------------------------------------------------------------------------
class World(Facts, Passages):
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
            self.people.append(
                Person(
                    first,
                    lf if g == "f" else lm,
                    ru_first,
                    rf if g == "f" else rm,
                    g,
                    rng.choice(PROFESSIONS),
                    rng.choice(CITIES).key,
                    rng.randint(1955, 2002),
                    rng.choice(HOBBIES),
                    rng.choice(PRODUCTS).key,
                )
            )
        pairs = [(k, c.key) for k in range(len(EVENT_TYPES)) for c in CITIES]
        self.events = [
            Event(
                EVENT_TYPES[k],
                c,
                rng.randint(1, 12),
                rng.randint(1, 28),
                5 * rng.randint(1, 16),
                rng.randrange(self.N_PEOPLE),
            )
            for k, c in rng.sample(pairs, self.N_EVENTS)
        ]
        same = [(a.key, b.key) for a in CITIES for b in CITIES if a.key != b.key and a.country == b.country]
        cross = [(a.key, b.key) for a in CITIES for b in CITIES if a.country != b.country]
        self.trips = []
        for (a, b), train in [(p, True) for p in rng.sample(same, self.N_TRAINS)] + [
            (p, False) for p in rng.sample(cross, self.N_FLIGHTS)
        ]:
            minutes = 5 * (rng.randint(12, 60) if train else rng.randint(18, 84))
            self.trips.append(Trip(a, b, train, 5 * rng.randint(6 * 12, 14 * 12), minutes))
        self.facts, self.qas, self.passages = [], [], []
        self._build()

    # -- helpers -----------------------------------------------------------------------------
    def country_of(self, c: City) -> Country:
        return self.country[c.country]

    def cities_in(self, k: Country) -> list[City]:
        return [c for c in self.cities if c.country == k.key]

    def product(self, key: str) -> Product:
        return next(x for x in self.products if x.key == key)

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
        return (
            R(
                T(
                    "What is {a} plus {b}?",
                    "Combien font {a} plus {b} ?",
                    "Quanto é {a} mais {b}?",
                    "Сколько будет {a} плюс {b}?",
                ),
                a=a,
                b=b,
            ),
            R(
                T(
                    "{a} plus {b} is {c}.",
                    "{a} plus {b} font {c}.",
                    "{a} mais {b} é igual a {c}.",
                    "{a} плюс {b} равно {c}.",
                ),
                a=a,
                b=b,
                c=a + b,
            ),
        )
    if kind == 1:
        a, b = rng.randint(2, 12), rng.randint(2, 12)
        return (
            R(
                T(
                    "What is {a} times {b}?",
                    "Combien font {a} fois {b} ?",
                    "Quanto é {a} vezes {b}?",
                    "Сколько будет {a} умножить на {b}?",
                ),
                a=a,
                b=b,
            ),
            R(
                T(
                    "{a} times {b} is {c}.",
                    "{a} fois {b} font {c}.",
                    "{a} vezes {b} é igual a {c}.",
                    "{a} умножить на {b} равно {c}.",
                ),
                a=a,
                b=b,
                c=a * b,
            ),
        )
    if kind == 2:
        n = rng.randint(3, 999)
        even = n % 2 == 0
        return (
            R(
                T(
                    "Is {n} an even or an odd number?",
                    "Le nombre {n} est-il pair ou impair ?",
                    "Você sabe se o número {n} é par ou ímpar?",
                    "Число {n} чётное или нечётное?",
                ),
                n=n,
            ),
            R(
                T("{n} is an even number.", "{n} est un nombre pair.", "{n} é um número par.", "Число {n} чётное.")
                if even
                else T(
                    "{n} is an odd number.",
                    "{n} est un nombre impair.",
                    "{n} é um número ímpar.",
                    "Число {n} нечётное.",
                ),
                n=n,
            ),
        )
    p, c = rng.choice(w.people), rng.choice(w.cities)
    kw = dict(p=p, c=c, d=date(rng.randint(1, 12), rng.randint(1, 28)), t=clock(5 * rng.randint(96, 216)))
    return (
        R(T("Where is {p} going on {d}?", "Où va {p} le {d} ?", "Aonde {p} vai em {d}?", "Куда едет {p} {d}?"), **kw),
        R(
            T(
                "On {d}, {p} has a meeting in {c} at {t}.",
                "Le {d}, {p} a une réunion {c_in} à {t}.",
                "Em {d}, {p} tem uma reunião {c_in} às {t}.",
                "{d_C} у {p_gen} встреча {c_in} в {t}.",
            ),
            **kw,
        ),
    )
