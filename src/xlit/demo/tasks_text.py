"""Instruction-tuning examples of the categories about a given text, the example's context (closed_qa,
information_extraction, summarization): each generator `gen(world, rng) -> (instruction, context, response)`,
every part a Unit."""

from __future__ import annotations

from .grammar import (
    F,
    J,
    R,
    T,
    as_lines,
    comma_list,
    date,
    euros,
    num,
    pick,
)


# closed_qa ----------------------------------------------------------------------------------
def cq_city(w, rng):
    c = rng.choice(w.cities)
    ctx = w.city_passage(c)
    kinds = ["pop", "weather", "country"] + (["river"] if c.river else [])
    kind = rng.choice(kinds)
    if kind == "pop":
        q = T(
            "According to the passage, how many inhabitants does {c} have?",
            "D'après le texte, combien d'habitants compte {c} ?",
            "De acordo com o texto, quantos habitantes tem {c}?",
            "Судя по тексту, сколько человек живёт {c_in}?",
        )
        a = R(
            T(
                "According to the passage, {c} has about {pop} inhabitants.",
                "D'après le texte, {c} compte environ {pop} habitants.",
                "De acordo com o texto, {c} tem cerca de {pop} habitantes.",
                "Судя по тексту, {c_in} живёт около {pop} человек.",
            ),
            c=c,
            pop=num(c.pop),
        )
    elif kind == "weather":
        q = T(
            "According to the passage, what is the weather like in {c} today?",
            "D'après le texte, quel temps fait-il {c_in} aujourd'hui ?",
            "De acordo com o texto, como está o tempo {c_in} hoje?",
            "Судя по тексту, какая сегодня погода {c_in}?",
        )
        a = w.weather_sentence(c)
    elif kind == "country":
        q = T(
            "According to the passage, in which country is {c}?",
            "D'après le texte, dans quel pays se trouve {c} ?",
            "De acordo com o texto, em que país fica {c}?",
            "Судя по тексту, в какой стране находится {c}?",
        )
        a = R(
            T("{c} is in {k}.", "{c} se trouve {k_in}.", "{c} fica {k_in}.", "{c} находится {k_in}."),
            c=c,
            k=w.country_of(c),
        )
    else:
        q = T(
            "According to the passage, which river does {c} lie on?",
            "D'après le texte, sur quel cours d'eau se trouve {c} ?",
            "De acordo com o texto, qual rio passa por {c}?",
            "Судя по тексту, на какой реке стоит {c}?",
        )
        a = w.river_sentence(c)
    return R(q, c=c), ctx, a


def cq_person(w, rng):
    p = rng.choice(w.people)
    ctx = w.person_passage(p)
    facts = w.person_facts(p)
    i = rng.choice([0, 1, 2, 3, 4])
    q = [
        T(
            "Based on the text, what does {p} do for a living?",
            "D'après le texte, quel est le métier {p_de} ?",
            "Com base no texto, qual é a profissão de {p}?",
            "Судя по тексту, кем работает {p}?",
        ),
        T(
            "Based on the text, where does {p} live?",
            "D'après le texte, où habite {p} ?",
            "Com base no texto, onde {p} mora?",
            "Судя по тексту, где живёт {p}?",
        ),
        T(
            "Based on the text, in which year was {p} born?",
            "D'après le texte, en quelle année est {p_born_pp} {p} ?",
            "Com base no texto, em que ano {p} nasceu?",
            "Судя по тексту, в каком году {p_born} {p}?",
        ),
        T(
            "Based on the text, what does {p} do in {p_his} free time?",
            "D'après le texte, que fait {p} pendant son temps libre ?",
            "Com base no texto, o que {p} faz no tempo livre?",
            "Судя по тексту, чем {p} занимается в свободное время?",
        ),
        T(
            "Based on the text, what did {p} buy last month, and for how much?",
            "D'après le texte, qu'est-ce que {p} a acheté le mois dernier, et à quel prix ?",
            "Com base no texto, o que {p} comprou no mês passado e por quanto?",
            "Судя по тексту, что {p} {p_bought} в прошлом месяце и за сколько?",
        ),
    ][i]
    return R(q, p=p), ctx, facts[i][0]


def cq_event(w, rng):
    e = rng.choice(w.events)
    c = w.city[e.city]
    facts = w.event_facts(e)
    i = rng.randrange(3)
    q = [
        T(
            "When does {e} in {c} take place, according to the text?",
            "D'après le texte, quand a lieu {e} {c_in} ?",
            "Segundo o texto, quando acontece {e} {c_in}?",
            "Судя по тексту, когда пройдёт {e} {c_in}?",
        ),
        T(
            "According to the text, how much is a ticket for {e} in {c}?",
            "D'après le texte, combien coûte un billet pour {e} {c_in} ?",
            "Segundo o texto, quanto custa o ingresso para {e} {c_in}?",
            "Судя по тексту, сколько стоит билет на {e_acc} {c_in}?",
        ),
        T(
            "According to the text, who organizes {e} in {c}?",
            "D'après le texte, qui organise {e} {c_in} ?",
            "Segundo o texto, quem organiza {e} {c_in}?",
            "Судя по тексту, кто организует {e_acc} {c_in}?",
        ),
    ][i]
    return R(q, e=e.kind, c=c), w.event_passage(e), facts[i][0]


# information_extraction ---------------------------------------------------------------------
def ie_person(w, rng):
    p = rng.choice(w.people)
    c = w.city[p.city]
    q = R(
        T(
            "Extract {p_poss} profession, city of residence and year of birth from the text.",
            "Extrais du texte le métier, la ville de résidence et l'année de naissance {p_de}.",
            "Extraia do texto a profissão, a cidade onde mora e o ano de nascimento de {p}.",
            "Извлеки из текста профессию, город проживания и год рождения {p_gen}.",
        ),
        p=p,
    )
    r = R(
        T(
            "Profession: {p_prof}\nCity: {c}\nYear of birth: {y}",
            "Métier : {p_prof}\nVille : {c}\nAnnée de naissance : {y}",
            "Profissão: {p_prof}\nCidade: {c}\nAno de nascimento: {y}",
            "Профессия: {p_prof}\nГород: {c}\nГод рождения: {y}",
        ),
        p=p,
        c=c,
        y=p.year,
    )
    return q, w.person_passage(p), r


def ie_shop(w, rng):
    c = rng.choice(w.cities)
    xs = rng.sample(w.products, 3)
    kw = dict(
        c=c,
        x=xs[0],
        y=xs[1],
        z=xs[2],
        m1=euros(w.price[xs[0].key]),
        m2=euros(w.price[xs[1].key]),
        m3=euros(w.price[xs[2].key]),
    )
    ctx = J(
        R(
            T(
                "In a small shop in {c}, {x} costs {m1}, {y} costs {m2} and {z} costs {m3}.",
                "Dans une petite boutique {c_in}, {x} coûte {m1}, {y} coûte {m2} et {z} coûte {m3}.",
                "Em uma pequena loja {c_in}, {x} custa {m1}, {y} custa {m2} e {z} custa {m3}.",
                "В небольшом магазине {c_in} {x} {x_costs} {m1}, {y} — {m2}, а {z} — {m3}.",
            ),
            **kw,
        ),
        T(
            "The shop is open every day except Sunday.",
            "La boutique est ouverte tous les jours sauf le dimanche.",
            "A loja abre todos os dias, exceto aos domingos.",
            "Магазин работает каждый день, кроме воскресенья.",
        ),
    )
    q = R(
        pick(
            rng,
            T(
                "List the products sold in the shop in {c} with their prices, one per line.",
                "Donne la liste des produits vendus dans la boutique {c_in} avec leur prix, un par ligne.",
                "Liste os produtos vendidos na loja {c_in} com os seus preços, um por linha.",
                "Перечисли товары из магазина {c_in} с их ценами, по одному на строку.",
            ),
            T(
                "Extract every product and its price from this description of a shop in {c}.",
                "Extrais chaque produit et son prix de cette description d'une boutique {c_in}.",
                "Extraia cada produto e o seu preço desta descrição de uma loja {c_in}.",
                "Выпиши каждый товар и его цену из этого описания магазина {c_in}.",
            ),
        ),
        c=c,
    )
    r = as_lines(
        *[
            R(
                T("{x_bare_C}: {m}", "{x_bare_C} : {m}", "{x_bare_C}: {m}", "{x_bare_C}: {m}"),
                x=x,
                m=euros(w.price[x.key]),
            )
            for x in xs
        ]
    )
    return q, ctx, r


def ie_event(w, rng):
    e = rng.choice(w.events)
    c = w.city[e.city]
    q = R(
        T(
            "Extract the date and the ticket price of {e} in {c} from the text.",
            "Extrais du texte la date et le prix du billet pour {e} {c_in}.",
            "Extraia do texto a data e o preço do ingresso para {e} {c_in}.",
            "Извлеки из текста дату и цену билета на {e_acc} {c_in}.",
        ),
        e=e.kind,
        c=c,
    )
    r = R(
        T(
            "Date: {d}\nTicket price: {m}",
            "Date : {d}\nPrix du billet : {m}",
            "Data: {d}\nPreço do ingresso: {m}",
            "Дата: {d}\nЦена билета: {m}",
        ),
        d=date(e.month, e.day),
        m=euros(e.price),
    )
    return q, w.event_passage(e), r


def ie_cities(w, rng):
    p = rng.choice(w.people)
    e = rng.choice(w.events)
    a, b = rng.sample([c for c in w.cities if c.key != e.city], 2)
    c, home = w.city[e.city], w.city[p.city]
    kw = dict(p=p, a=a, b=b, c=c, h=home, e=e.kind)
    ctx = R(
        T(
            "{p} has a busy week. On Monday, {p_he} travels from {a} to {b}. "
            "On Wednesday, {p_he} goes to {e} in {c}. On Friday, {p_he} flies back home to {h}.",
            "{p} a une semaine chargée. Lundi, {p_he} voyage {a_from} {b_to}. Mercredi, {p_he} va {e_to} {c_in}. "
            "Vendredi, {p_he} rentre {h_to} en avion.",
            "{p} tem uma semana cheia. Na segunda-feira, {p_he} viaja {a_from} {b_to}. Na quarta-feira, {p_he} vai "
            "{e_to} {c_in}. Na sexta-feira, {p_he} volta de avião {h_to}.",
            "У {p_gen} насыщенная неделя. В понедельник {p_he} едет {a_from} {b_to}. В среду {p_he} идёт на {e_acc} "
            "{c_in}. В пятницу {p_he} летит домой {h_to}.",
        ),
        **kw,
    )
    q = R(
        T(
            "Extract all the cities mentioned in this note about {p_poss} week, in order.",
            "Extrais, dans l'ordre, toutes les villes mentionnées dans cette note sur la semaine {p_de}.",
            "Extraia, na ordem, todas as cidades mencionadas nesta nota sobre a semana de {p}.",
            "Выпиши по порядку все города, упомянутые в этой заметке о неделе {p_gen}.",
        ),
        p=p,
    )
    names = []
    for x in (a, b, c, home):
        if x not in names:
            names.append(x)
    r = R(
        T(
            "The note mentions these cities: {l}.",
            "La note mentionne ces villes : {l}.",
            "As cidades mencionadas na nota são: {l}.",
            "В заметке упоминаются такие города: {l}.",
        ),
        l=comma_list([F(T("{c}", "{c}", "{c}", "{c}"), c=x) for x in names]),
    )
    return q, ctx, r


# summarization ------------------------------------------------------------------------------
def su_city(w, rng):
    c = rng.choice(w.cities)
    q = R(
        pick(
            rng,
            T(
                "Summarize this text about {c} in one sentence.",
                "Résume ce texte sur {c} en une phrase.",
                "Resuma este texto sobre {c} em uma frase.",
                "Кратко перескажи этот текст о городе {c} в одном предложении.",
            ),
            T(
                "Give a one-sentence summary of the following description of {c}.",
                "Fais un résumé en une phrase de cette description de {c}.",
                "Faça um resumo em uma frase desta descrição de {c}.",
                "Сделай краткое изложение этого описания города {c} в одном предложении.",
            ),
        ),
        c=c,
    )
    return q, w.city_passage(c, with_events=False), w.city_summary(c)


def su_person(w, rng):
    p = rng.choice(w.people)
    q = R(
        pick(
            rng,
            T(
                "Summarize this text about {p} in one sentence.",
                "Résume ce texte sur {p} en une phrase.",
                "Resuma este texto sobre {p} em uma frase.",
                "Кратко перескажи этот текст про {p_acc} в одном предложении.",
            ),
            T(
                "Give a one-sentence summary of this short biography of {p}.",
                "Fais un résumé en une phrase de cette courte biographie {p_de}.",
                "Faça um resumo em uma frase desta pequena biografia de {p}.",
                "Сделай краткое изложение этой короткой биографии {p_gen} в одном предложении.",
            ),
        ),
        p=p,
    )
    return q, w.person_passage(p, purchase=False), w.person_summary(p)


def su_event(w, rng):
    e = rng.choice(w.events)
    q = R(
        T(
            "Summarize this announcement of {e} in {c} in one sentence.",
            "Résume en une phrase cette annonce pour {e} {c_in}.",
            "Resuma em uma frase este anúncio sobre {e} {c_in}.",
            "Кратко перескажи в одном предложении это объявление: {e} {c_in}.",
        ),
        e=e.kind,
        c=w.city[e.city],
    )
    return q, w.event_passage(e), w.event_summary(e)


TEXT_TASKS = {
    "closed_qa": [cq_city, cq_person, cq_event],
    "information_extraction": [ie_person, ie_shop, ie_event, ie_cities],
    "summarization": [su_city, su_person, su_event],
}
