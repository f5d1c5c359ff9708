"""Instruction-tuning examples of the question categories answered from the world's knowledge, without a
context (open_qa, general_qa, classification): each generator `gen(world, rng) -> (instruction, None, response)`,
every part a Unit."""

from __future__ import annotations

from .animals import DIET_GROUP, diet_label
from .geography import WEATHER
from .grammar import F, J, R, T, as_lines, clock, comma_list, degrees, duration, euros, pick
from .world import misc_qa


# open_qa ------------------------------------------------------------------------------------
def oq_fact(w, rng):
    q, a = rng.choice(w.qas)
    return q, None, a


def oq_arith(w, rng):
    q, a = misc_qa(w, rng)
    return q, None, a


def oq_animal_more(w, rng):
    a = rng.choice(w.animals)
    return (
        R(
            pick(
                rng,
                T(
                    "Tell me three facts about {a}.",
                    "Donne-moi trois faits sur {a}.",
                    "Diga três fatos sobre {a}.",
                    "Назови три факта о таком животном, как {a}.",
                ),
                T(
                    "What do you know about {a}?",
                    "Que sais-tu sur {a} ?",
                    "O que você sabe sobre {a}?",
                    "Что ты знаешь о таком животном, как {a}?",
                ),
            ),
            a=a,
        ),
        None,
        w.animal_passage(a),
    )


# general_qa ---------------------------------------------------------------------------------
def gq_pet(w, rng):
    a = rng.choice(w.animals)
    q = R(
        pick(
            rng,
            T(
                "Would {a} make a good pet?",
                "Est-ce que {a} peut être un bon animal de compagnie ?",
                "{a_C} pode ser um bom animal de estimação?",
                "Может ли {a} быть хорошим домашним питомцем?",
            ),
            T(
                "Is it a good idea to keep {a_a} as a pet?",
                "Est-ce une bonne idée d'avoir {a_a} comme animal de compagnie ?",
                "É uma boa ideia ter {a_a} como animal de estimação?",
                "Стоит ли заводить дома такое животное, как {a}?",
            ),
        ),
        a=a,
    )
    if a.habitat == "homes":
        r = T(
            "Yes. {a_C} often lives in people's homes and can be a good pet.",
            "Oui. {a_C} vit souvent dans les maisons et peut être un bon animal de compagnie.",
            "Sim. {a_C} costuma viver nas casas das pessoas e pode ser um bom animal de estimação.",
            "Да. {a_C} часто живёт в домах людей и может стать хорошим домашним питомцем.",
        )
    elif a.habitat == "farms":
        r = T(
            "Not really. {a_C} lives {a_hab} and needs a lot of space, so it is not a typical pet.",
            "Pas vraiment. {a_C} vit {a_hab} et a besoin de beaucoup d'espace : ce n'est pas un animal de "
            "compagnie typique.",
            "Não exatamente. {a_C} vive {a_hab} e precisa de muito espaço, então não é um animal de estimação típico.",
            "Не совсем. {a_C} живёт {a_hab} и нуждается в большом пространстве, поэтому это не типичный "
            "домашний питомец.",
        )
    else:
        r = T(
            "No. {a_C} is a wild animal that lives {a_hab}. It is better to observe it in nature.",
            "Non. {a_C} est un animal sauvage qui vit {a_hab}. Il vaut mieux l'observer dans la nature.",
            "Não. {a_C} é um animal selvagem que vive {a_hab}. É melhor admirar esse animal na natureza.",
            "Нет. {a_C} — дикое животное, которое живёт {a_hab}. Лучше наблюдать за ним в природе.",
        )
    return q, None, R(r, a=a)


def gq_budget(w, rng):
    x1, x2 = rng.sample(w.products, 2)
    p1, p2 = w.price[x1.key], w.price[x2.key]
    total = p1 + p2
    budget = total
    while budget == total:
        budget = 5 * max(2, round(total * rng.uniform(0.6, 1.4) / 5))
    q = R(
        T(
            "I have {b}. Can I buy {x_a} and {y_a}?",
            "J'ai {b}. Est-ce que je peux acheter {x_a} et {y_a} ?",
            "Tenho {b}. Posso comprar {x_a} e {y_a}?",
            "У меня есть {b}. Могу ли я купить {x_acc} и {y_acc}?",
        ),
        b=euros(budget),
        x=x1,
        y=x2,
    )
    head = R(
        T(
            "{x_C} costs {m1} and {y} costs {m2}, which makes {s} in total.",
            "{x_C} coûte {m1} et {y} coûte {m2}, soit {s} au total.",
            "{x_C} custa {m1} e {y} custa {m2}, ou seja, {s} no total.",
            "{x_C} {x_costs} {m1}, а {y} — {m2}, то есть всего {s}.",
        ),
        x=x1,
        y=x2,
        m1=euros(p1),
        m2=euros(p2),
        s=euros(total),
    )
    if budget > total:
        tail = R(
            T(
                "Yes, you can buy both, and you will have {r} left.",
                "Oui, vous pouvez acheter les deux, et il vous restera {r}.",
                "Sim, você pode comprar os dois produtos e ainda vão sobrar {r}.",
                "Да, вы можете купить и то, и другое, и у вас останется {r}.",
            ),
            r=euros(budget - total),
        )
    else:
        tail = R(
            T(
                "No, you would need {r} more.",
                "Non, il vous manque {r}.",
                "Não, faltam {r}.",
                "Нет, вам не хватает {r}.",
            ),
            r=euros(total - budget),
        )
    return q, None, J(head, tail)


def gq_umbrella(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    q = R(
        T(
            "Should I take an umbrella if I go out in {c} today?",
            "Dois-je prendre un parapluie si je sors {c_in} aujourd'hui ?",
            "Devo levar guarda-chuva se eu sair {c_in} hoje?",
            "Брать ли зонт, если я сегодня пойду гулять {c_in}?",
        ),
        c=c,
    )
    if kind == "rain":
        r = T(
            "Yes. Today in {c} it is raining, so an umbrella will be useful.",
            "Oui. Aujourd'hui {c_in}, il pleut : un parapluie vous sera utile.",
            "Sim. Hoje {c_in} está chovendo, então o guarda-chuva vai ser útil.",
            "Да. Сегодня {c_in} идёт дождь, так что зонт пригодится.",
        )
    elif kind == "snow":
        r = T(
            "Today in {c} it is snowing and the temperature is {deg}, so an umbrella is not really needed, "
            "but take a warm coat.",
            "Aujourd'hui {c_in}, il neige et la température est de {deg} : un parapluie n'est pas vraiment "
            "nécessaire, mais prenez un manteau chaud.",
            "Hoje {c_in} está nevando e a temperatura é de {deg}; o guarda-chuva não é muito necessário, "
            "mas leve um casaco quente.",
            "Сегодня {c_in} идёт снег, температура {deg}: зонт не особенно нужен, но возьмите тёплую куртку.",
        )
    else:
        r = T(
            "No. Today in {c} {w}, so you will not need an umbrella.",
            "Non. Aujourd'hui {c_in}, {w} : vous n'aurez pas besoin de parapluie.",
            "Não. Hoje {c_in} {w}, então você não vai precisar de guarda-chuva.",
            "Нет. Сегодня {c_in} {w}, так что зонт вам не понадобится.",
        )
    return q, None, R(r, c=c, w=WEATHER[kind][0], deg=degrees(t))


def gq_wear(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    q = R(
        T(
            "What should I wear in {c} today?",
            "Comment dois-je m'habiller {c_in} aujourd'hui ?",
            "O que devo vestir {c_in} hoje?",
            "Что мне надеть сегодня {c_in}?",
        ),
        c=c,
    )
    if kind == "snow" or t <= 5:
        tip = T(
            "Wear a warm coat, a hat and gloves.",
            "Mettez un manteau chaud, un bonnet et des gants.",
            "Use um casaco quente, gorro e luvas.",
            "Наденьте тёплую куртку, шапку и перчатки.",
        )
    elif kind == "rain":
        tip = T(
            "Wear a raincoat and waterproof shoes.",
            "Mettez un imperméable et des chaussures étanches.",
            "Use uma capa de chuva e sapatos impermeáveis.",
            "Наденьте плащ и непромокаемую обувь.",
        )
    elif t >= 24:
        tip = T(
            "Wear light clothes and do not forget a hat.",
            "Portez des vêtements légers et n'oubliez pas un chapeau.",
            "Use roupas leves e não esqueça o chapéu.",
            "Наденьте лёгкую одежду и не забудьте головной убор.",
        )
    else:
        tip = T(
            "A light jacket will be enough.",
            "Une veste légère suffira.",
            "Uma jaqueta leve será suficiente.",
            "Лёгкой куртки будет достаточно.",
        )
    return q, None, J(w.weather_sentence(c), tip)


def gq_travel(w, rng):
    t = rng.choice(w.trips)
    a, b = w.city[t.a], w.city[t.b]
    kw = dict(a=a, b=b, t1=clock(t.dep), t2=clock(t.dep + t.minutes), d=duration(t.minutes))
    q = R(
        pick(
            rng,
            T(
                "How can I get from {a} to {b}?",
                "Comment aller {a_from} {b_to} ?",
                "Como posso ir {a_from} {b_to}?",
                "Как добраться {a_from} {b_to}?",
            ),
            T(
                "What is the best way to travel from {a} to {b}?",
                "Quel est le meilleur moyen d'aller {a_from} {b_to} ?",
                "Qual é a melhor maneira de viajar {a_from} {b_to}?",
                "Как лучше всего доехать {a_from} {b_to}?",
            ),
        ),
        **kw,
    )
    if t.train:
        r = T(
            "You can take the train. It leaves {a} at {t1} and arrives in {b} at {t2}, so the journey takes {d}.",
            "Vous pouvez prendre le train. Il part {a_from} à {t1} et arrive {b_to} à {t2} : le trajet dure {d}.",
            "Você pode pegar o trem. Ele sai {a_from} às {t1} e chega {b_in} às {t2}, então a viagem dura {d}.",
            "Можно поехать на поезде. Он отправляется {a_from} в {t1} и прибывает {b_to} в {t2}, так что дорога "
            "занимает {d}.",
        )
    else:
        r = T(
            "You can fly. The flight leaves {a} at {t1} and lands in {b} at {t2}, so the journey takes {d}.",
            "Vous pouvez prendre l'avion. Le vol décolle {a_from} à {t1} et atterrit {b_to} à {t2} : le voyage "
            "dure {d}.",
            "Você pode ir de avião. O voo decola {a_from} às {t1} e pousa {b_in} às {t2}, então a viagem dura {d}.",
            "Можно полететь на самолёте. Он вылетает {a_from} в {t1} и приземляется {b_in} в {t2}, так что "
            "полёт занимает {d}.",
        )
    return q, None, R(r, **kw)


def gq_whois(w, rng):
    p = rng.choice(w.people)
    q = R(
        pick(
            rng,
            T("Who is {p}?", "Qui est {p} ?", "Quem é {p}?", "Кто {p_who} {p}?"),
            T(
                "What can you tell me about {p}?",
                "Que peux-tu me dire {p_de} ?",
                "O que você sabe sobre {p}?",
                "Что ты можешь рассказать про {p_acc}?",
            ),
        ),
        p=p,
    )
    return q, None, w.person_passage(p, purchase=False)


# classification -----------------------------------------------------------------------------
def cl_animals(w, rng):
    while True:
        animals = rng.sample(w.animals, rng.randint(4, 6))
        if len({a.cls for a in animals}) >= 3:
            break
    q = R(
        T(
            "Classify each of these animals as a mammal, bird, fish, insect, reptile or arachnid: {l}.",
            "Classe chacun de ces animaux comme mammifère, oiseau, poisson, insecte, reptile ou arachnide : {l}.",
            "Classifique cada um destes animais como mamífero, ave, peixe, inseto, réptil ou aracnídeo: {l}.",
            "Определи, к какому классу относится каждое из этих животных (млекопитающее, птица, рыба, насекомое, "
            "рептилия или паукообразное): {l}.",
        ),
        l=comma_list([F(T("{a_bare}", "{a_bare}", "{a_bare}", "{a_bare}"), a=a) for a in animals]),
    )
    r = as_lines(*[w.animal_facts(a)[0][0] for a in animals])
    return q, None, r


def cl_diet(w, rng):
    pool = [a for a in w.animals if a.diet in DIET_GROUP]
    while True:
        animals = rng.sample(pool, rng.randint(3, 5))
        if len({DIET_GROUP[a.diet] for a in animals}) >= 2:
            break
    q = R(
        T(
            "Classify these animals as herbivores, carnivores or omnivores: {l}.",
            "Classe ces animaux en herbivores, carnivores ou omnivores : {l}.",
            "Classifique estes animais em herbívoros, carnívoros ou onívoros: {l}.",
            "Раздели этих животных на травоядных, хищников и всеядных: {l}.",
        ),
        l=comma_list([F(T("{a_bare}", "{a_bare}", "{a_bare}", "{a_bare}"), a=a) for a in animals]),
    )
    r = as_lines(
        *[
            R(
                T("{a_C} is {g}.", "{a_C} est {g}.", "{a_C} é {g}.", "{a_C} — {g}."),
                a=a,
                g=diet_label(DIET_GROUP[a.diet], a.pt_g),
            )
            for a in animals
        ]
    )
    return q, None, r


def cl_cities(w, rng):
    k = rng.choice([k for k in w.country.values() if len(w.cities_in(k)) >= 2])
    inside = rng.sample(w.cities_in(k), rng.randint(1, 2))
    outside = rng.sample([c for c in w.cities if c.country != k.key], rng.randint(2, 3))
    mixed = inside + outside
    rng.shuffle(mixed)
    inside = [c for c in mixed if c in inside]
    outside = [c for c in mixed if c in outside]
    name = lambda c: F(T("{c}", "{c}", "{c}", "{c}"), c=c)  # noqa: E731
    q = R(
        T(
            "Which of these cities are in {k}: {l}?",
            "Lesquelles de ces villes se trouvent {k_in} : {l} ?",
            "Quais destas cidades ficam {k_in}: {l}?",
            "Какие из этих городов находятся {k_in}: {l}?",
        ),
        k=k,
        l=comma_list([name(c) for c in mixed]),
    )
    r = J(
        R(
            T("In {k}: {l}.", "{k_in_C} : {l}.", "{k_in_C}: {l}.", "{k_in_C}: {l}."),
            k=k,
            l=comma_list([name(c) for c in inside]),
        ),
        R(
            T("Not in {k}: {l}.", "Ailleurs : {l}.", "Em outros países: {l}.", "В других странах: {l}."),
            k=k,
            l=comma_list(
                [
                    F(T("{c} ({k_bare})", "{c} ({k_bare})", "{c} ({k_bare})", "{c} ({k_bare})"), c=c, k=w.country_of(c))
                    for c in outside
                ]
            ),
        ),
        sep="\n",
    )
    return q, None, r


def cl_prices(w, rng):
    limit = rng.choice([50, 100, 200])
    while True:
        xs = rng.sample(w.products, rng.randint(3, 5))
        cheap = [x for x in xs if w.price[x.key] < limit]
        if cheap and len(cheap) < len(xs):
            break
    dear = [x for x in xs if x not in cheap]

    def item(x):
        return F(
            T("{x_bare} ({m})", "{x_bare} ({m})", "{x_bare} ({m})", "{x_bare} ({m})"), x=x, m=euros(w.price[x.key])
        )

    q = R(
        T(
            "Classify each item as cheap (under {m}) or expensive ({m} or more): {l}.",
            "Classe chaque article comme bon marché (moins de {m}) ou cher ({m} ou plus) : {l}.",
            "Classifique cada produto como barato (menos de {m}) ou caro (a partir de {m}): {l}.",
            "Раздели товары на дешёвые (дешевле {m}) и дорогие ({m} и дороже): {l}.",
        ),
        m=euros(limit),
        l=comma_list([F(T("{x_bare}", "{x_bare}", "{x_bare}", "{x_bare}"), x=x) for x in xs]),
    )
    r = J(
        R(
            T("Cheap items: {l}.", "Articles bon marché : {l}.", "Os itens baratos são: {l}.", "Дешёвые товары: {l}."),
            l=comma_list([item(x) for x in cheap]),
        ),
        R(
            T("Expensive items: {l}.", "Articles chers : {l}.", "Os itens caros são: {l}.", "Дорогие товары: {l}."),
            l=comma_list([item(x) for x in dear]),
        ),
        sep="\n",
    )
    return q, None, r


def cl_numbers(w, rng):
    while True:
        ns = rng.sample(range(2, 200), rng.randint(4, 7))
        ev, od = [n for n in ns if n % 2 == 0], [n for n in ns if n % 2]
        if ev and od:
            break
    q = R(
        T(
            "Classify these numbers as even or odd: {l}.",
            "Classe ces nombres en pairs et impairs : {l}.",
            "Classifique estes números em pares e ímpares: {l}.",
            "Раздели эти числа на чётные и нечётные: {l}.",
        ),
        l=", ".join(map(str, ns)),
    )
    r = R(
        T(
            "Even numbers: {e}.\nOdd numbers: {o}.",
            "Nombres pairs : {e}.\nNombres impairs : {o}.",
            "Os números pares são: {e}.\nOs números ímpares são: {o}.",
            "Чётные числа: {e}.\nНечётные числа: {o}.",
        ),
        e=", ".join(map(str, ev)),
        o=", ".join(map(str, od)),
    )
    return q, None, r


QA_TASKS = {
    "open_qa": [oq_fact, oq_fact, oq_fact, oq_fact, oq_arith, oq_animal_more],
    "general_qa": [gq_pet, gq_budget, gq_umbrella, gq_wear, gq_travel, gq_whois],
    "classification": [cl_animals, cl_diet, cl_cities, cl_prices, cl_numbers],
}
