"""Grammar of the demo world's four languages: a `Unit` is one text in each of LANGS; `T` writes one,
`R`/`F`/`J` render templates whose slots are entities' inflected forms (`Ent.forms`), and the helpers below
write articles, prepositions, Russian cases, numbers, dates, times and lists as each language does."""

from __future__ import annotations

from random import Random

LANGS = ("en", "fr", "pt", "ru")
Unit = dict  # {lang: text}, the same content in each of LANGS

# --------------------------------------------------------------------------------------------
# Language helpers
# --------------------------------------------------------------------------------------------
_FR_VOWELS = "aeiouyàâäéèêëîïôöûùüœAEIOUYÀÂÉÈÊÎÔÛŒ"
_RU_VOWELS = "аеёиоуыэюяАЕЁИОУЫЭЮЯ"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def T(en: str, fr: str, pt: str, ru: str) -> Unit:
    """One template (or literal phrase) in the four languages."""
    return {"en": en, "fr": fr, "pt": pt, "ru": ru}


def fr_elides(word: str) -> bool:
    return word[:1] in _FR_VOWELS


def fr_de(x: str) -> str:
    return ("d'" if fr_elides(x) else "de ") + x


def fr_def(bare: str, g: str) -> str:
    return "l'" + bare if fr_elides(bare) else ("le " if g == "m" else "la ") + bare


def fr_indef(bare: str, g: str) -> str:
    return ("un " if g == "m" else "une ") + bare


def fr_to(bare: str, g: str) -> str:
    return "à l'" + bare if fr_elides(bare) else ("au " if g == "m" else "à la ") + bare


def fr_du(bare: str, g: str) -> str:
    """'de' + the definite article: du loup, de la girafe, de l'aigle."""
    return "de l'" + bare if fr_elides(bare) else ("du " if g == "m" else "de la ") + bare


def pt_do(bare: str, g: str) -> str:
    return ("do " if g == "m" else "da ") + bare


def pt_def(bare: str, g: str) -> str:
    return ("o " if g == "m" else "a ") + bare


def pt_indef(bare: str, g: str) -> str:
    return ("um " if g == "m" else "uma ") + bare


def pt_to(bare: str, g: str) -> str:
    return ("ao " if g == "m" else "à ") + bare


def ru_v(x: str) -> str:
    """Russian 'в' + a form, as 'во' before в/ф + consonant (во Франции, в Вене)."""
    if x[:1] in "ВвФф" and len(x) > 1 and x[1] not in _RU_VOWELS:
        return "во " + x
    return "в " + x


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def ru_place(nom: str, gen: str | None = None, prep: str | None = None, acc: str | None = None):
    """Russian case forms of a place name: explicit where given, else by the usual endings."""
    if gen is None:
        if nom[-1] in "оуиеэю":
            gen = prep = acc = nom
        elif nom.endswith("ия"):
            gen, prep, acc = nom[:-1] + "и", nom[:-1] + "и", nom[:-1] + "ю"
        elif nom.endswith("ья"):
            gen, prep, acc = nom[:-1] + "и", nom[:-1] + "е", nom[:-1] + "ю"
        elif nom.endswith("а"):
            gen = nom[:-1] + ("и" if nom[-2] in "гкхжшщч" else "ы")
            prep, acc = nom[:-1] + "е", nom[:-1] + "у"
        elif nom.endswith("ь"):
            gen, prep, acc = nom[:-1] + "я", nom[:-1] + "е", nom
        else:
            gen, prep, acc = nom + "а", nom + "е", nom
    return nom, gen, prep, acc


def ru_first_cases(nom: str, g: str) -> tuple[str, str]:
    """(genitive, accusative) of a Russian first name."""
    if g == "f":
        if nom.endswith("ия"):
            return nom[:-1] + "и", nom[:-1] + "ю"
        if nom.endswith("а"):
            return nom[:-1] + ("и" if nom[-2] in "гкхжшщч" else "ы"), nom[:-1] + "у"
        return nom, nom
    if nom[-1] in _RU_VOWELS:
        return nom, nom
    if nom.endswith(("ь", "й")):
        return nom[:-1] + "я", nom[:-1] + "я"
    return nom + "а", nom + "а"


def ru_last_cases(nom: str, g: str) -> tuple[str, str]:
    if nom.endswith("ская"):
        return nom[:-2] + "ой", nom[:-2] + "ую"
    if nom.endswith("ский"):
        return nom[:-2] + "ого", nom[:-2] + "ого"
    if g == "f":
        if nom.endswith(("ова", "ева", "ина")):
            return nom[:-1] + "ой", nom[:-1] + "у"
        return nom, nom
    if nom[-1] in _RU_VOWELS:
        return nom, nom
    return nom + "а", nom + "а"


def en_a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def en_poss(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def _group(n: int, sep: str) -> str:
    s = str(abs(n))
    parts = []
    while len(s) > 3:
        parts.insert(0, s[-3:])
        s = s[:-3]
    parts.insert(0, s)
    return ("-" if n < 0 else "") + sep.join(parts)


def num(n: int) -> Unit:
    """An integer as each language writes it (2,100,000 / 2 100 000 / 2.100.000 / 2 100 000)."""
    big = abs(n) >= 10000
    return T(
        _group(n, ",") if abs(n) >= 1000 else str(n),
        _group(n, " ") if big else str(n),
        _group(n, ".") if big else str(n),
        _group(n, " ") if big else str(n),
    )


def euros(n: int) -> Unit:
    v = num(n)
    return T(f"{v['en']} euros", f"{v['fr']} euros", f"{v['pt']} euros", f"{v['ru']} евро")


def degrees(t: int) -> Unit:
    return T(
        f"{t} degree" + ("" if abs(t) == 1 else "s"),
        f"{t} degré" + ("s" if abs(t) >= 2 else ""),
        f"{t} grau" + ("" if abs(t) == 1 else "s"),
        f"{t} " + ru_plural(t, "градус", "градуса", "градусов"),
    )


_MONTHS = [
    ("January", "janvier", "janeiro", "января"),
    ("February", "février", "fevereiro", "февраля"),
    ("March", "mars", "março", "марта"),
    ("April", "avril", "abril", "апреля"),
    ("May", "mai", "maio", "мая"),
    ("June", "juin", "junho", "июня"),
    ("July", "juillet", "julho", "июля"),
    ("August", "août", "agosto", "августа"),
    ("September", "septembre", "setembro", "сентября"),
    ("October", "octobre", "outubro", "октября"),
    ("November", "novembre", "novembro", "ноября"),
    ("December", "décembre", "dezembro", "декабря"),
]


def date(month: int, day: int) -> Unit:
    en, fr, pt, ru = _MONTHS[month - 1]
    return T(f"{en} {day}", f"{'1er' if day == 1 else day} {fr}", f"{'1º' if day == 1 else day} de {pt}", f"{day} {ru}")


def clock(minutes: int) -> Unit:
    h, m = divmod(minutes, 60)
    return T(f"{h}:{m:02d}", f"{h} h {m:02d}" if m else f"{h} h", f"{h}h{m:02d}" if m else f"{h}h", f"{h}:{m:02d}")


def duration(minutes: int) -> Unit:
    h, m = divmod(minutes, 60)
    en = " and ".join(x for x in (f"{h} hour" + ("s" if h > 1 else "") if h else "", f"{m} minutes" if m else "") if x)
    return T(
        en,
        (f"{h} h {m:02d}" if m else f"{h} h") if h else f"{m} minutes",
        (f"{h}h{m:02d}" if m else f"{h}h") if h else f"{m} minutos",
        " ".join(x for x in (f"{h} ч" if h else "", f"{m} мин" if m else "") if x),
    )


_AND = T(" and ", " et ", " e ", " и ")


def join_list(items: list[Unit]) -> Unit:
    out = {}
    for lang in LANGS:
        xs = [i[lang] for i in items]
        out[lang] = xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + _AND[lang] + xs[-1]
    return out


def comma_list(items: list[Unit]) -> Unit:
    return {lang: ", ".join(i[lang] for i in items) for lang in LANGS}


# --------------------------------------------------------------------------------------------
# Entities: forms(lang) -> {suffix: text}; a template refers to role 'c' as {c}, {c_in}, {c_C}...
# --------------------------------------------------------------------------------------------
class Ent:
    def forms(self, lang: str) -> dict[str, str]:
        raise NotImplementedError


def _slots(lang: str, kw: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for role, v in kw.items():
        if isinstance(v, Ent):
            for suf, text in v.forms(lang).items():
                out[f"{role}_{suf}" if suf else role] = text
        elif isinstance(v, dict):
            out[role] = v[lang]
        else:
            out[role] = str(v)
    for k in list(out):
        out[k + "_C"] = cap(out[k])
    return out


def R(tmpl: Unit, **kw) -> Unit:
    """Render a template in every language; the first letter is capitalised."""
    return {lang: cap(tmpl[lang].format_map(_slots(lang, kw))) for lang in LANGS}


def F(tmpl: Unit, **kw) -> Unit:
    """Render a fragment (no capitalisation): names, list items."""
    return {lang: tmpl[lang].format_map(_slots(lang, kw)) for lang in LANGS}


def J(*units: Unit | None, sep: str = " ") -> Unit:
    units = [u for u in units if u]
    return {lang: sep.join(u[lang] for u in units) for lang in LANGS}


def as_lines(*units: Unit) -> Unit:
    return J(*units, sep="\n")


def bullets(items: list[Unit]) -> Unit:
    return {lang: "\n".join("- " + i[lang] for i in items) for lang in LANGS}


def pick(rng: Random, *variants: Unit) -> Unit:
    return variants[rng.randrange(len(variants))]
