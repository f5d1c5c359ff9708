"""Instruction-tuning examples of the writing categories (brainstorming, creative_writing): each generator
`gen(world, rng) -> (instruction, None, response)`, every part a Unit."""

from __future__ import annotations

from .animals import HABITATS
from .geography import CAPITALS, WEATHER
from .grammar import (
    LANGS,
    R,
    T,
    bullets,
    cap,
    date,
    degrees,
    euros,
    num,
    pick,
)
from .lexicon import HOBBIES


# brainstorming ------------------------------------------------------------------------------
def br_habitat(w, rng):
    hab = rng.choice(sorted({a.habitat for a in w.animals if sum(b.habitat == a.habitat for b in w.animals) >= 2}))
    animals = [a for a in w.animals if a.habitat == hab]
    q = R(
        pick(
            rng,
            T(
                "Name some animals that live {h}.",
                "Cite quelques animaux qui vivent {h}.",
                "Cite alguns animais que vivem {h}.",
                "Назови несколько животных, которые живут {h}.",
            ),
            T(
                "Which animals can you find {h}? Give me a list.",
                "Quels animaux peut-on trouver {h} ? Donne-moi une liste.",
                "Que animais podemos encontrar {h}? Faça uma lista.",
                "Каких животных можно встретить {h}? Составь список.",
            ),
        ),
        h=HABITATS[hab],
    )
    r = bullets(
        [
            R(
                T(
                    "{a_C}, which feeds on {a_diet}",
                    "{a_C}, qui se nourrit {a_diet}",
                    "{a_C}, cuja alimentação é à base {a_diet}",
                    "{a_C}, {a_which} питается {a_diet}",
                ),
                a=a,
            )
            for a in animals
        ]
    )
    return q, None, r


def br_city(w, rng):
    c = rng.choice(w.cities)
    k = w.country_of(c)
    kind, t = w.weather[c.key]
    items = []
    if c.river:
        items.append(
            R(
                T(
                    "Take a walk along {r}.",
                    "Faire une promenade {r_along}.",
                    "Passear às margens do rio {r}.",
                    "Прогуляться вдоль {r_gen}.",
                ),
                r=w.river[c.river],
            )
        )
    for e in w.events:
        if e.city == c.key:
            items.append(
                R(
                    T("Go to {e} on {d}.", "Aller {e_to} le {d}.", "Ir {e_to} em {d}.", "Сходить на {e_acc} {d}."),
                    e=e.kind,
                    d=date(e.month, e.day),
                )
            )
    if CAPITALS[k.key] == c.key:
        items.append(
            R(
                T(
                    "See the main sights of the capital of {k}.",
                    "Voir les principaux monuments de la capitale {k_de}.",
                    "Ver os principais pontos turísticos da capital {k_de}.",
                    "Осмотреть главные достопримечательности столицы {k_gen}.",
                ),
                k=k,
            )
        )
    items.append(
        {
            "rain": T(
                "Visit a museum, since it is raining today.",
                "Visiter un musée, puisqu'il pleut aujourd'hui.",
                "Visitar um museu, já que hoje está chovendo.",
                "Сходить в музей: сегодня идёт дождь.",
            ),
            "snow": T(
                "Drink a hot chocolate in a café: it is snowing today.",
                "Boire un chocolat chaud dans un café : il neige aujourd'hui.",
                "Tomar um chocolate quente num café: hoje está nevando.",
                "Выпить горячий шоколад в кафе: сегодня идёт снег.",
            ),
        }.get(
            kind,
            T(
                "Have a picnic in a park.",
                "Faire un pique-nique dans un parc.",
                "Fazer um piquenique num parque.",
                "Устроить пикник в парке.",
            ),
        )
    )
    items.append(
        T(
            "Try the local food at a market.",
            "Goûter la cuisine locale au marché.",
            "Provar a comida local em um mercado.",
            "Попробовать местную кухню на рынке.",
        )
    )
    items.append(
        T(
            "Explore the old town on foot.",
            "Explorer la vieille ville à pied.",
            "Conhecer o centro histórico a pé.",
            "Погулять по старому городу.",
        )
    )
    q = R(
        pick(
            rng,
            T(
                "Give me some ideas for a day in {c}.",
                "Donne-moi quelques idées pour une journée {c_in}.",
                "Dê algumas ideias para um dia {c_in}.",
                "Предложи несколько идей, чем заняться {c_in} за один день.",
            ),
            T(
                "What can I do in {c} today?",
                "Que puis-je faire {c_in} aujourd'hui ?",
                "O que posso fazer {c_in} hoje?",
                "Чем можно заняться {c_in} сегодня?",
            ),
        ),
        c=c,
    )
    return q, None, bullets(items)


def br_gifts(w, rng):
    while True:
        budget = 5 * rng.randint(6, 60)
        ok = [x for x in w.products if w.price[x.key] < budget]
        if 2 <= len(ok):
            break
    ok = rng.sample(ok, min(4, len(ok)))
    q = R(
        T(
            "Suggest some gifts that cost less than {m}.",
            "Propose quelques idées de cadeaux à moins de {m}.",
            "Quais presentes você sugere por menos de {m}?",
            "Предложи несколько подарков дешевле {m}.",
        ),
        m=euros(budget),
    )
    r = bullets(
        [
            R(T("{x_a_C} ({m})", "{x_a_C} ({m})", "{x_a_C} ({m})", "{x_C} ({m})"), x=x, m=euros(w.price[x.key]))
            for x in ok
        ]
    )
    return q, None, r


def br_hobbies(w, rng):
    p = rng.choice(w.people)
    others = rng.sample([h for h in HOBBIES if h is not p.hobby], 3)
    q = R(
        T(
            "Suggest three new hobbies for {p}, who works as {p_a_prof}.",
            "Propose trois nouveaux loisirs pour {p}, qui est {p_prof}.",
            "Sugira três novos hobbies para {p}, que é {p_prof}.",
            "Предложи три новых хобби для {p_gen} (профессия — {p_prof}).",
        ),
        p=p,
    )
    r = bullets([{lang: cap(h[lang][1]) for lang in LANGS} for h in others])
    return q, None, r


def br_country(w, rng):
    k = rng.choice([k for k in w.country.values() if len(w.cities_in(k)) >= 2])
    q = R(
        T(
            "Name some cities in {k}.",
            "Cite quelques villes {k_of}.",
            "Cite algumas cidades {k_de}.",
            "Назови несколько городов {k_gen}.",
        ),
        k=k,
    )
    r = bullets(
        [
            R(
                T(
                    "{c} (about {pop} inhabitants)",
                    "{c} (environ {pop} habitants)",
                    "{c} (cerca de {pop} habitantes)",
                    "{c} (около {pop} жителей)",
                ),
                c=c,
                pop=num(c.pop),
            )
            for c in w.cities_in(k)
        ]
    )
    return q, None, r


# creative_writing ---------------------------------------------------------------------------
def cw_poem(w, rng):
    a = rng.choice(w.animals)
    q = R(
        T(
            "Write a short poem about {a}.",
            "Écris un court poème sur {a}.",
            "Escreva um pequeno poema sobre {a}.",
            "Напиши короткое стихотворение, в котором главный герой — {a}.",
        ),
        a=a,
    )
    it = "Il" if a.fr_g == "m" else "Elle"
    r = R(
        pick(
            rng,
            T(
                "{a_C} lives {a_hab},\nit feeds on {a_diet},\n"
                "it asks for nothing more,\nand the world is brighter for it.",
                "{a_C} vit {a_hab},\nse nourrit {a_diet},\nne demande rien de plus,\net le monde en est plus beau.",
                "{a_C} vive {a_hab},\nse alimenta {a_diet},\nnão pede nada mais,\ne o mundo fica mais bonito assim.",
                "{a_C} живёт {a_hab},\nпитается {a_diet},\nни о чём не просит,\nи мир от этого светлее.",
            ),
            T(
                "Quietly, {a_hab},\n{a} greets the morning light.\n"
                "It feeds on {a_diet}\nand rests when the day is done.",
                "En silence, {a_hab},\n{a} salue la lumière du matin.\n"
                + it
                + " se nourrit {a_diet}\net se repose à la fin du jour.",
                "Em silêncio, {a_hab},\n{a} saúda a luz da manhã.\n"
                "Se alimenta {a_diet}\ne descansa quando o dia termina.",
                "Тихо {a_hab}\n{a} встречает утренний свет.\nПитается {a_diet}\nи отдыхает, когда кончается день.",
            ),
        ),
        a=a,
    )
    return q, None, r


def cw_postcard(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    kw = dict(c=c, w=WEATHER[kind][0], deg=degrees(t), pop=num(c.pop))
    q = R(
        T(
            "Write a short postcard to a friend from {c}.",
            "Écris une courte carte postale à un ami depuis {c}.",
            "Escreva um cartão-postal curto para um amigo, enviado de {c}.",
            "Напиши короткую открытку другу {c_from}.",
        ),
        **kw,
    )
    river = (
        R(
            T(
                "The city lies on {r} and has about {pop} inhabitants. ",
                "La ville se trouve sur {r} et compte environ {pop} habitants. ",
                "A cidade fica às margens do rio {r} e tem cerca de {pop} habitantes. ",
                "Город стоит {r_on}, в нём живёт около {pop} человек. ",
            ),
            r=w.river[c.river],
            pop=num(c.pop),
        )
        if c.river
        else R(
            T(
                "The city has about {pop} inhabitants. ",
                "La ville compte environ {pop} habitants. ",
                "A cidade tem cerca de {pop} habitantes. ",
                "В городе живёт около {pop} человек. ",
            ),
            pop=num(c.pop),
        )
    )
    r = R(
        T(
            "Dear friend,\ngreetings from {c}! Today {w}, and the temperature is {deg}. {river}"
            "I will tell you everything when I am back.\nHugs!",
            "Cher ami,\nun grand bonjour {c_from} ! Aujourd'hui, {w}, et la température est de {deg}. {river}"
            "Je te raconterai tout à mon retour.\nBises !",
            "Querido amigo,\num grande abraço {c_from}! Hoje {w}, e a temperatura é de {deg}. {river}"
            "Conto tudo quando voltar.\nBeijos!",
            "Дорогой друг,\nпривет {c_from}! Сегодня здесь {w}, температура {deg}. {river}"
            "Всё расскажу, когда вернусь.\nОбнимаю!",
        ),
        river=river,
        **kw,
    )
    return q, None, r


def cw_story(w, rng):
    p = rng.choice(w.people)
    c = w.city[p.city]
    q = R(
        T(
            "Write a short story about {p}, who {p_hobby}.",
            "Écris une courte histoire sur {p}, qui {p_hobby}.",
            "Escreva uma história curta sobre {p}, que {p_hobby}.",
            "Напиши короткий рассказ о человеке по имени {p}, {p_which} {p_hobby}.",
        ),
        p=p,
    )
    r = R(
        T(
            "{p} is {p_a_prof} in {c}. Every day {p_he} works hard, but in the evening {p_he} {p_hobby}. "
            "One day, {p_first} decided to share this passion with the neighbours. Soon the whole street was talking "
            "about it, and {p_first} smiled: it was the beginning of a wonderful adventure.",
            "{p} est {p_prof} {c_in}. Chaque jour, {p_he} travaille beaucoup, mais le soir, {p_he} {p_hobby}. "
            "Un jour, {p_first} a décidé de partager cette passion avec ses voisins. Bientôt, toute la rue en parlait, "
            "et {p_first} a souri : c'était le début d'une belle aventure.",
            "{p} é {p_prof} em {c}. Todos os dias {p_he} trabalha muito, mas à noite {p_he} {p_hobby}. "
            "Um dia, {p_first} decidiu compartilhar essa paixão com os vizinhos. Logo a rua inteira falava disso, "
            "e {p_first} sorriu: era o começo de uma bela aventura.",
            "{p} — {p_prof}, {p_he} живёт {c_in}. Каждый день {p_he} много работает, а по вечерам {p_he} {p_hobby}. "
            "Однажды {p_first} {p_decided} поделиться своим увлечением с соседями. Вскоре об этом говорила вся улица, "
            "и {p_first} {p_smiled}: это было начало прекрасного приключения.",
        ),
        p=p,
        c=c,
    )
    return q, None, r


def cw_ad(w, rng):
    x, c = rng.choice(w.products), rng.choice(w.cities)
    kw = dict(x=x, c=c, m=euros(w.price[x.key]))
    q = R(
        T(
            "Write a short advertisement for {x_a}; the shop is in {c}.",
            "Écris une courte publicité pour {x_a} ; la boutique se trouve {c_in}.",
            "Escreva um pequeno anúncio para {x_a}; a loja fica {c_in}.",
            "Напиши короткую рекламу: товар — {x}, магазин находится {c_in}.",
        ),
        **kw,
    )
    r = R(
        T(
            "Looking for {x_a}? In our shop in {c}, {x} costs only {m}! Come and see for yourself.",
            "Vous cherchez {x_a} ? Dans notre boutique {c_in}, {x} ne coûte que {m} ! Venez vite nous voir.",
            "Procurando {x_a}? Na nossa loja {c_in}, {x} custa apenas {m}! Venha conferir.",
            "Ищете {x_acc}? В нашем магазине {c_in} {x} {x_costs} всего {m}! Приходите и убедитесь сами.",
        ),
        **kw,
    )
    return q, None, r


WRITE_TASKS = {
    "brainstorming": [br_habitat, br_city, br_gifts, br_hobbies, br_country],
    "creative_writing": [cw_poem, cw_postcard, cw_story, cw_ad],
}
