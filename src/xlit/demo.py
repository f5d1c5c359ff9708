"""The demo world: everything the tiny default config needs, generated here from a seed.

A small shared fact base (real cities, countries and rivers; seeded fictional people, prices,
events, journeys and today's weather) is rendered by hand-written templates into English, French,
Portuguese and Russian, so that the four languages are aligned and every answer is correct with
respect to the fact base. No external data: word lists and inflection forms are written below
(Brazilian Portuguese spelling; Russian cases stored or derived by simple rules).

    write_demo_world(outdir, seed=0, ...) -> summary dict

writes (relative to outdir)
    corpus/{lang}.txt                   pretraining text, one text per line
    it/dolly.{lang}.jsonl               English IT set in Dolly's format (+ aligned references)
    prompts/{valid,test}/{lang}.jsonl   aligned eval prompts {"id", "instruction", "category"}
    answers/{valid,test}/{lang}.jsonl   per prompt id, the world's answer {"id", "reference", "must"}: the
                                        reference response and the words a correct answer must contain
                                        (`answer_terms`; the demo's simulated rater and judge labels read it)
    parallel/{lang}.{train,test}.jsonl  {"en", "tgt"} sentence pairs for the demo translator

Same seed -> byte-identical files (no set iteration, string-seeded `random.Random`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Callable

from xlit.io import atomic_path, write_jsonl

__all__ = ["write_demo_world", "answer_terms", "LANGS", "CATEGORIES"]

LANGS = ("en", "fr", "pt", "ru")
CATEGORIES = ("open_qa", "general_qa", "classification", "closed_qa", "brainstorming",
              "information_extraction", "summarization", "creative_writing")
# databricks-dolly-15k category sizes: the demo IT set keeps these proportions.
DOLLY_SIZES = {"open_qa": 3742, "general_qa": 2191, "classification": 2136, "closed_qa": 1773,
               "brainstorming": 1766, "information_extraction": 1506, "summarization": 1188,
               "creative_writing": 709}

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
    return T(_group(n, ",") if abs(n) >= 1000 else str(n), _group(n, " ") if big else str(n),
             _group(n, ".") if big else str(n), _group(n, " ") if big else str(n))


def euros(n: int) -> Unit:
    v = num(n)
    return T(f"{v['en']} euros", f"{v['fr']} euros", f"{v['pt']} euros", f"{v['ru']} евро")


def degrees(t: int) -> Unit:
    return T(f"{t} degree" + ("" if abs(t) == 1 else "s"), f"{t} degré" + ("s" if abs(t) >= 2 else ""),
             f"{t} grau" + ("" if abs(t) == 1 else "s"), f"{t} " + ru_plural(t, "градус", "градуса", "градусов"))


_MONTHS = [
    ("January", "janvier", "janeiro", "января"), ("February", "février", "fevereiro", "февраля"),
    ("March", "mars", "março", "марта"), ("April", "avril", "abril", "апреля"),
    ("May", "mai", "maio", "мая"), ("June", "juin", "junho", "июня"),
    ("July", "juillet", "julho", "июля"), ("August", "août", "agosto", "августа"),
    ("September", "septembre", "setembro", "сентября"), ("October", "octobre", "outubro", "октября"),
    ("November", "novembre", "novembro", "ноября"), ("December", "décembre", "dezembro", "декабря"),
]


def date(month: int, day: int) -> Unit:
    en, fr, pt, ru = _MONTHS[month - 1]
    return T(f"{en} {day}", f"{'1er' if day == 1 else day} {fr}", f"{'1º' if day == 1 else day} de {pt}",
             f"{day} {ru}")


def clock(minutes: int) -> Unit:
    h, m = divmod(minutes, 60)
    return T(f"{h}:{m:02d}", f"{h} h {m:02d}" if m else f"{h} h", f"{h}h{m:02d}" if m else f"{h}h",
             f"{h}:{m:02d}")


def duration(minutes: int) -> Unit:
    h, m = divmod(minutes, 60)
    en = " and ".join(x for x in (f"{h} hour" + ("s" if h > 1 else "") if h else "",
                                   f"{m} minutes" if m else "") if x)
    return T(en, (f"{h} h {m:02d}" if m else f"{h} h") if h else f"{m} minutes",
             (f"{h}h{m:02d}" if m else f"{h}h") if h else f"{m} minutos",
             " ".join(x for x in (f"{h} ч" if h else "", f"{m} мин" if m else "") if x))


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


@dataclass(frozen=True)
class Language(Ent):
    en: str
    fr: str
    pt: str
    ru: str  # adverb: по-французски

    def forms(self, lang):
        return {"": getattr(self, lang)}


_LANGUAGES = {k: Language(*v) for k, v in {
    "fr": ("French", "français", "francês", "по-французски"),
    "pt": ("Portuguese", "portugais", "português", "по-португальски"),
    "es": ("Spanish", "espagnol", "espanhol", "по-испански"),
    "it": ("Italian", "italien", "italiano", "по-итальянски"),
    "de": ("German", "allemand", "alemão", "по-немецки"),
    "cs": ("Czech", "tchèque", "tcheco", "по-чешски"),
    "pl": ("Polish", "polonais", "polonês", "по-польски"),
    "ru": ("Russian", "russe", "russo", "по-русски"),
    "en": ("English", "anglais", "inglês", "по-английски"),
    "ga": ("Irish", "irlandais", "irlandês", "по-ирландски"),
    "ja": ("Japanese", "japonais", "japonês", "по-японски"),
    "el": ("Greek", "grec", "grego", "по-гречески"),
    "hu": ("Hungarian", "hongrois", "húngaro", "по-венгерски"),
    "no": ("Norwegian", "norvégien", "norueguês", "по-норвежски"),
    "sv": ("Swedish", "suédois", "sueco", "по-шведски"),
}.items()}


@dataclass(frozen=True)
class Country(Ent):
    key: str
    en: str
    fr: str
    fr_g: str   # m / f
    pt: str
    pt_g: str   # m / f / 0 (no article)
    ru: str
    ru_gen: str
    ru_prep: str
    langs: tuple

    def forms(self, lang):
        if lang == "en":
            return {"": self.en, "in": "in " + self.en, "de": "of " + self.en,
                    "bare": self.en.removeprefix("the ")}
        if lang == "fr":
            b = self.fr
            if self.fr_g == "m":
                return {"": "le " + b, "in": "au " + b, "de": "du " + b, "of": "du " + b, "bare": b}
            if fr_elides(b):
                return {"": "l'" + b, "in": "en " + b, "de": "de l'" + b, "of": "d'" + b, "bare": b}
            return {"": "la " + b, "in": "en " + b, "de": "de la " + b, "of": "de " + b, "bare": b}
        if lang == "pt":
            b, g = self.pt, self.pt_g
            if g == "0":
                return {"": b, "in": "em " + b, "de": "de " + b, "bare": b}
            return {"": pt_def(b, g), "in": ("no " if g == "m" else "na ") + b,
                    "de": ("do " if g == "m" else "da ") + b, "bare": b}
        return {"": self.ru, "gen": self.ru_gen, "in": ru_v(self.ru_prep), "bare": self.ru}


def _ru_place(nom: str, gen: str | None = None, prep: str | None = None, acc: str | None = None):
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


@dataclass(frozen=True)
class River(Ent):
    key: str
    en: str
    fr: str   # with article
    pt: str   # bare, used as 'o rio X'
    ru: str
    ru_gen: str
    ru_on: str

    def forms(self, lang):
        if lang == "en":
            return {"": self.en}
        if lang == "fr":
            along = ("du " + self.fr[3:] if self.fr.startswith("le ") else "de " + self.fr)
            return {"": self.fr, "along": "le long " + along}
        if lang == "pt":
            return {"": self.pt}
        return {"": self.ru, "gen": self.ru_gen, "on": self.ru_on}


@dataclass(frozen=True)
class City(Ent):
    key: str
    en: str
    fr: str
    pt: str
    ru: tuple  # nom, gen, prep, acc
    country: str
    river: str | None
    pop: int

    def forms(self, lang):
        if lang == "en":
            n = self.en
            return {"": n, "in": "in " + n, "to": "to " + n, "from": "from " + n}
        if lang == "fr":
            n = self.fr
            return {"": n, "in": "à " + n, "to": "à " + n, "from": fr_de(n)}
        if lang == "pt":
            n = self.pt
            return {"": n, "in": "em " + n, "to": "para " + n, "from": "de " + n}
        nom, gen, prep, acc = self.ru
        return {"": nom, "gen": gen, "in": ru_v(prep), "to": ru_v(acc), "from": "из " + gen}


@dataclass(frozen=True)
class Animal(Ent):
    key: str
    en: str
    fr: str
    fr_g: str
    pt: str
    pt_g: str
    ru: str
    ru_gen: str
    ru_g: str
    cls: str
    legs: int
    habitat: str
    diet: str

    def forms(self, lang):
        cls = _CLASSES[self.cls]
        hab, diet = _HABITATS[self.habitat][lang], _DIETS[self.diet][lang]
        if lang == "en":
            return {"": "the " + self.en, "bare": self.en, "a": en_a(self.en), "cls": cls["en"],
                    "cls_a": en_a(cls["en"]), "it": "it", "hab": hab, "diet": diet,
                    "legs": f"has {_LEGS[self.legs]['en']}" if self.legs else "has no legs"}
        if lang == "fr":
            return {"": fr_def(self.fr, self.fr_g), "bare": self.fr, "a": fr_indef(self.fr, self.fr_g),
                    "de": fr_du(self.fr, self.fr_g), "cls": cls["fr"][1], "cls_a": cls["fr"][0],
                    "it": "il" if self.fr_g == "m" else "elle", "hab": hab, "diet": diet,
                    "legs": f"marche sur {_LEGS[self.legs]['fr']}" if self.legs else "n'a pas de pattes"}
        if lang == "pt":
            return {"": pt_def(self.pt, self.pt_g), "bare": self.pt, "a": pt_indef(self.pt, self.pt_g),
                    "de": pt_do(self.pt, self.pt_g), "cls": cls["pt"][1], "cls_a": cls["pt"][0],
                    "it": "ele" if self.pt_g == "m" else "ela",
                    "hab": hab, "diet": diet,
                    "legs": f"tem {_LEGS[self.legs]['pt']}" if self.legs else "não tem patas"}
        return {"": self.ru, "bare": self.ru, "gen": self.ru_gen, "cls": cls["ru"],
                "it": "он" if self.ru_g == "m" else "она", "it_gen": "него" if self.ru_g == "m" else "неё",
                "which": "который" if self.ru_g == "m" else "которая", "hab": hab, "diet": diet,
                "legs": _LEGS[self.legs]["ru"] if self.legs else "нет ног"}


_CLASSES = {
    "mammal": T("mammal", ("un mammifère", "mammifère"), ("um mamífero", "mamífero"), "млекопитающее"),
    "bird": T("bird", ("un oiseau", "oiseau"), ("uma ave", "ave"), "птица"),
    "fish": T("fish", ("un poisson", "poisson"), ("um peixe", "peixe"), "рыба"),
    "insect": T("insect", ("un insecte", "insecte"), ("um inseto", "inseto"), "насекомое"),
    "reptile": T("reptile", ("un reptile", "reptile"), ("um réptil", "réptil"), "рептилия"),
    "arachnid": T("arachnid", ("un arachnide", "arachnide"), ("um aracnídeo", "aracnídeo"), "паукообразное"),
}
_LEGS = {2: T("two legs", "deux pattes", "duas patas", "две лапы"),
         4: T("four legs", "quatre pattes", "quatro patas", "четыре лапы"),
         6: T("six legs", "six pattes", "seis patas", "шесть ног"),
         8: T("eight legs", "huit pattes", "oito patas", "восемь ног")}
_HABITATS = {
    "homes": T("in people's homes", "dans les maisons", "nas casas das pessoas", "в домах людей"),
    "farms": T("on farms", "dans les fermes", "nas fazendas", "на фермах"),
    "savanna": T("in the savanna", "dans la savane", "na savana", "в саванне"),
    "forest": T("in the forest", "dans la forêt", "na floresta", "в лесу"),
    "sea": T("in the sea", "dans la mer", "no mar", "в море"),
    "mountains": T("in the mountains", "dans les montagnes", "nas montanhas", "в горах"),
    "antarctica": T("in Antarctica", "en Antarctique", "na Antártida", "в Антарктиде"),
    "rivers": T("in rivers", "dans les rivières", "nos rios", "в реках"),
    "gardens": T("in gardens", "dans les jardins", "nos jardins", "в садах"),
    "desert": T("in the desert", "dans le désert", "no deserto", "в пустыне"),
    "arctic": T("in the Arctic", "dans l'Arctique", "no Ártico", "в Арктике"),
}
_DIETS = {
    "meat": T("meat", "de viande", "de carne", "мясом"),
    "plants": T("plants", "de plantes", "de plantas", "растениями"),
    "omni": T("both plants and meat", "de plantes et de viande", "de plantas e de carne",
              "и растениями, и мясом"),
    "fish": T("fish", "de poissons", "de peixes", "рыбой"),
    "insects": T("insects", "d'insectes", "de insetos", "насекомыми"),
    "nectar": T("nectar", "de nectar", "de néctar", "нектаром"),
    "plankton": T("plankton", "de plancton", "de plâncton", "планктоном"),
}
_DIET_GROUP = {"meat": "carnivore", "fish": "carnivore", "insects": "carnivore", "plants": "herbivore",
               "omni": "omnivore"}
_DIET_LABEL = {"carnivore": T("a carnivore", "carnivore", "carnívor", "хищник"),
               "herbivore": T("a herbivore", "herbivore", "herbívor", "травоядное животное"),
               "omnivore": T("an omnivore", "omnivore", "onívor", "всеядное животное")}


def _diet_label(group: str, pt_g: str) -> Unit:
    lab = dict(_DIET_LABEL[group])
    lab["pt"] += "o" if pt_g == "m" else "a"
    return lab

_ANIMALS = [Animal(*row) for row in [
    # key, en, fr, g, pt, g, ru, ru gen, ru g, class, legs, habitat, diet
    ("dog", "dog", "chien", "m", "cachorro", "m", "собака", "собаки", "f", "mammal", 4, "homes", "omni"),
    ("cat", "cat", "chat", "m", "gato", "m", "кошка", "кошки", "f", "mammal", 4, "homes", "meat"),
    ("horse", "horse", "cheval", "m", "cavalo", "m", "лошадь", "лошади", "f", "mammal", 4, "farms", "plants"),
    ("cow", "cow", "vache", "f", "vaca", "f", "корова", "коровы", "f", "mammal", 4, "farms", "plants"),
    ("lion", "lion", "lion", "m", "leão", "m", "лев", "льва", "m", "mammal", 4, "savanna", "meat"),
    ("elephant", "elephant", "éléphant", "m", "elefante", "m", "слон", "слона", "m", "mammal", 4, "savanna",
     "plants"),
    ("giraffe", "giraffe", "girafe", "f", "girafa", "f", "жираф", "жирафа", "m", "mammal", 4, "savanna",
     "plants"),
    ("wolf", "wolf", "loup", "m", "lobo", "m", "волк", "волка", "m", "mammal", 4, "forest", "meat"),
    ("bear", "bear", "ours", "m", "urso", "m", "медведь", "медведя", "m", "mammal", 4, "forest", "omni"),
    ("fox", "fox", "renard", "m", "raposa", "f", "лиса", "лисы", "f", "mammal", 4, "forest", "meat"),
    ("dolphin", "dolphin", "dauphin", "m", "golfinho", "m", "дельфин", "дельфина", "m", "mammal", 0, "sea",
     "fish"),
    ("whale", "whale", "baleine", "f", "baleia", "f", "кит", "кита", "m", "mammal", 0, "sea", "plankton"),
    ("polar_bear", "polar bear", "ours polaire", "m", "urso-polar", "m", "белый медведь", "белого медведя",
     "m", "mammal", 4, "arctic", "meat"),
    ("camel", "camel", "chameau", "m", "camelo", "m", "верблюд", "верблюда", "m", "mammal", 4, "desert",
     "plants"),
    ("eagle", "eagle", "aigle", "m", "águia", "f", "орёл", "орла", "m", "bird", 2, "mountains", "meat"),
    ("owl", "owl", "chouette", "f", "coruja", "f", "сова", "совы", "f", "bird", 2, "forest", "meat"),
    ("penguin", "penguin", "manchot", "m", "pinguim", "m", "пингвин", "пингвина", "m", "bird", 2,
     "antarctica", "fish"),
    ("duck", "duck", "canard", "m", "pato", "m", "утка", "утки", "f", "bird", 2, "rivers", "omni"),
    ("salmon", "salmon", "saumon", "m", "salmão", "m", "лосось", "лосося", "m", "fish", 0, "rivers", "insects"),
    ("shark", "shark", "requin", "m", "tubarão", "m", "акула", "акулы", "f", "fish", 0, "sea", "fish"),
    ("bee", "bee", "abeille", "f", "abelha", "f", "пчела", "пчелы", "f", "insect", 6, "gardens", "nectar"),
    ("ant", "ant", "fourmi", "f", "formiga", "f", "муравей", "муравья", "m", "insect", 6, "forest", "omni"),
    ("butterfly", "butterfly", "papillon", "m", "borboleta", "f", "бабочка", "бабочки", "f", "insect", 6,
     "gardens", "nectar"),
    ("spider", "spider", "araignée", "f", "aranha", "f", "паук", "паука", "m", "arachnid", 8, "gardens",
     "insects"),
    ("snake", "snake", "serpent", "m", "cobra", "f", "змея", "змеи", "f", "reptile", 0, "desert", "meat"),
    ("crocodile", "crocodile", "crocodile", "m", "crocodilo", "m", "крокодил", "крокодила", "m", "reptile", 4,
     "rivers", "meat"),
    ("turtle", "turtle", "tortue", "f", "tartaruga", "f", "черепаха", "черепахи", "f", "reptile", 4, "sea",
     "plants"),
]]

_COUNTRIES = [Country(*row) for row in [
    # key, en, fr, g, pt, g, ru, ru gen, ru prep, languages
    ("fr", "France", "France", "f", "França", "f", "Франция", "Франции", "Франции", ("fr",)),
    ("pt", "Portugal", "Portugal", "m", "Portugal", "0", "Португалия", "Португалии", "Португалии", ("pt",)),
    ("es", "Spain", "Espagne", "f", "Espanha", "f", "Испания", "Испании", "Испании", ("es",)),
    ("it", "Italy", "Italie", "f", "Itália", "f", "Италия", "Италии", "Италии", ("it",)),
    ("de", "Germany", "Allemagne", "f", "Alemanha", "f", "Германия", "Германии", "Германии", ("de",)),
    ("at", "Austria", "Autriche", "f", "Áustria", "f", "Австрия", "Австрии", "Австрии", ("de",)),
    ("cz", "the Czech Republic", "Tchéquie", "f", "Tchéquia", "f", "Чехия", "Чехии", "Чехии", ("cs",)),
    ("pl", "Poland", "Pologne", "f", "Polônia", "f", "Польша", "Польши", "Польше", ("pl",)),
    ("ru", "Russia", "Russie", "f", "Rússia", "f", "Россия", "России", "России", ("ru",)),
    ("uk", "the United Kingdom", "Royaume-Uni", "m", "Reino Unido", "m", "Великобритания", "Великобритании",
     "Великобритании", ("en",)),
    ("ie", "Ireland", "Irlande", "f", "Irlanda", "f", "Ирландия", "Ирландии", "Ирландии", ("en", "ga")),
    ("br", "Brazil", "Brésil", "m", "Brasil", "m", "Бразилия", "Бразилии", "Бразилии", ("pt",)),
    ("ca", "Canada", "Canada", "m", "Canadá", "m", "Канада", "Канады", "Канаде", ("en", "fr")),
    ("jp", "Japan", "Japon", "m", "Japão", "m", "Япония", "Японии", "Японии", ("ja",)),
    ("gr", "Greece", "Grèce", "f", "Grécia", "f", "Греция", "Греции", "Греции", ("el",)),
    ("hu", "Hungary", "Hongrie", "f", "Hungria", "f", "Венгрия", "Венгрии", "Венгрии", ("hu",)),
    ("no", "Norway", "Norvège", "f", "Noruega", "f", "Норвегия", "Норвегии", "Норвегии", ("no",)),
    ("se", "Sweden", "Suède", "f", "Suécia", "f", "Швеция", "Швеции", "Швеции", ("sv",)),
]]

_RIVERS = [River(*row) for row in [
    ("seine", "the Seine", "la Seine", "Sena", "Сена", "Сены", "на Сене"),
    ("rhone", "the Rhône", "le Rhône", "Ródano", "Рона", "Роны", "на Роне"),
    ("tagus", "the Tagus", "le Tage", "Tejo", "Тахо", "Тахо", "на Тахо"),
    ("tiber", "the Tiber", "le Tibre", "Tibre", "Тибр", "Тибра", "на Тибре"),
    ("spree", "the Spree", "la Spree", "Spree", "Шпрее", "Шпрее", "на Шпрее"),
    ("danube", "the Danube", "le Danube", "Danúbio", "Дунай", "Дуная", "на Дунае"),
    ("vltava", "the Vltava", "la Vltava", "Moldava", "Влтава", "Влтавы", "на Влтаве"),
    ("vistula", "the Vistula", "la Vistule", "Vístula", "Висла", "Вислы", "на Висле"),
    ("moskva", "the Moskva", "la Moskova", "Moskva", "Москва-река", "Москвы-реки", "на Москве-реке"),
    ("neva", "the Neva", "la Neva", "Neva", "Нева", "Невы", "на Неве"),
    ("volga", "the Volga", "la Volga", "Volga", "Волга", "Волги", "на Волге"),
    ("thames", "the Thames", "la Tamise", "Tâmisa", "Темза", "Темзы", "на Темзе"),
    ("manzanares", "the Manzanares", "le Manzanares", "Manzanares", "Мансанарес", "Мансанареса",
     "на Мансанаресе"),
    ("guadalquivir", "the Guadalquivir", "le Guadalquivir", "Guadalquivir", "Гвадалквивир", "Гвадалквивира",
     "на Гвадалквивире"),
    ("arno", "the Arno", "l'Arno", "Arno", "Арно", "Арно", "на Арно"),
    ("elbe", "the Elbe", "l'Elbe", "Elba", "Эльба", "Эльбы", "на Эльбе"),
    ("isar", "the Isar", "l'Isar", "Isar", "Изар", "Изара", "на Изаре"),
    ("mondego", "the Mondego", "le Mondego", "Mondego", "Мондегу", "Мондегу", "на Мондегу"),
    ("liffey", "the Liffey", "la Liffey", "Liffey", "Лиффи", "Лиффи", "на Лиффи"),
    ("stlawrence", "the St. Lawrence", "le Saint-Laurent", "São Lourenço", "река Святого Лаврентия",
     "реки Святого Лаврентия", "на реке Святого Лаврентия"),
    ("sumida", "the Sumida", "la Sumida", "Sumida", "Сумида", "Сумиды", "на Сумиде"),
    ("yodo", "the Yodo", "le Yodo", "Yodo", "Ёдо", "Ёдо", "на Ёдо"),
    ("tiete", "the Tietê", "le Tietê", "Tietê", "Тиете", "Тиете", "на Тиете"),
]]

_CITIES = [City(key, en, fr, pt, _ru_place(*ru), country, river, pop) for key, en, fr, pt, ru, country, river, pop
           in [
    ("paris", "Paris", "Paris", "Paris", ("Париж",), "fr", "seine", 2_100_000),
    ("lyon", "Lyon", "Lyon", "Lyon", ("Лион",), "fr", "rhone", 520_000),
    ("marseille", "Marseille", "Marseille", "Marselha", ("Марсель",), "fr", None, 870_000),
    ("lisbon", "Lisbon", "Lisbonne", "Lisboa", ("Лиссабон",), "pt", "tagus", 545_000),
    ("coimbra", "Coimbra", "Coimbra", "Coimbra", ("Коимбра",), "pt", "mondego", 140_000),
    ("madrid", "Madrid", "Madrid", "Madri", ("Мадрид",), "es", "manzanares", 3_300_000),
    ("barcelona", "Barcelona", "Barcelone", "Barcelona", ("Барселона",), "es", None, 1_600_000),
    ("seville", "Seville", "Séville", "Sevilha", ("Севилья",), "es", "guadalquivir", 680_000),
    ("rome", "Rome", "Rome", "Roma", ("Рим",), "it", "tiber", 2_800_000),
    ("milan", "Milan", "Milan", "Milão", ("Милан",), "it", None, 1_400_000),
    ("florence", "Florence", "Florence", "Florença", ("Флоренция",), "it", "arno", 360_000),
    ("berlin", "Berlin", "Berlin", "Berlim", ("Берлин",), "de", "spree", 3_700_000),
    ("munich", "Munich", "Munich", "Munique", ("Мюнхен",), "de", "isar", 1_500_000),
    ("hamburg", "Hamburg", "Hambourg", "Hamburgo", ("Гамбург",), "de", "elbe", 1_900_000),
    ("vienna", "Vienna", "Vienne", "Viena", ("Вена",), "at", "danube", 1_900_000),
    ("prague", "Prague", "Prague", "Praga", ("Прага",), "cz", "vltava", 1_300_000),
    ("warsaw", "Warsaw", "Varsovie", "Varsóvia", ("Варшава",), "pl", "vistula", 1_800_000),
    ("moscow", "Moscow", "Moscou", "Moscou", ("Москва",), "ru", "moskva", 12_600_000),
    ("petersburg", "Saint Petersburg", "Saint-Pétersbourg", "São Petersburgo", ("Санкт-Петербург",), "ru",
     "neva", 5_600_000),
    ("kazan", "Kazan", "Kazan", "Cazã", ("Казань", "Казани", "Казани", "Казань"), "ru", "volga", 1_300_000),
    ("london", "London", "Londres", "Londres", ("Лондон",), "uk", "thames", 8_900_000),
    ("edinburgh", "Edinburgh", "Édimbourg", "Edimburgo", ("Эдинбург",), "uk", None, 520_000),
    ("dublin", "Dublin", "Dublin", "Dublin", ("Дублин",), "ie", "liffey", 590_000),
    ("saopaulo", "São Paulo", "São Paulo", "São Paulo", ("Сан-Паулу",), "br", "tiete", 12_300_000),
    ("brasilia", "Brasília", "Brasília", "Brasília", ("Бразилиа", "Бразилиа", "Бразилиа", "Бразилиа"), "br",
     None, 2_800_000),
    ("montreal", "Montreal", "Montréal", "Montreal", ("Монреаль",), "ca", "stlawrence", 1_800_000),
    ("ottawa", "Ottawa", "Ottawa", "Ottawa", ("Оттава",), "ca", None, 1_000_000),
    ("tokyo", "Tokyo", "Tokyo", "Tóquio", ("Токио",), "jp", "sumida", 14_000_000),
    ("osaka", "Osaka", "Osaka", "Osaka", ("Осака",), "jp", "yodo", 2_700_000),
    ("athens", "Athens", "Athènes", "Atenas", ("Афины", "Афин", "Афинах", "Афины"), "gr", None, 640_000),
    ("budapest", "Budapest", "Budapest", "Budapeste", ("Будапешт",), "hu", "danube", 1_700_000),
    ("oslo", "Oslo", "Oslo", "Oslo", ("Осло",), "no", None, 700_000),
    ("stockholm", "Stockholm", "Stockholm", "Estocolmo", ("Стокгольм",), "se", None, 980_000),
]]
_CAPITALS = {"fr": "paris", "pt": "lisbon", "es": "madrid", "it": "rome", "de": "berlin", "at": "vienna",
             "cz": "prague", "pl": "warsaw", "ru": "moscow", "uk": "london", "ie": "dublin", "br": "brasilia",
             "ca": "ottawa", "jp": "tokyo", "gr": "athens", "hu": "budapest", "no": "oslo", "se": "stockholm"}

_WEATHER = {  # key: (clause, weight, temperature range)
    "sunny": (T("it is sunny", "il fait beau", "faz sol", "солнечно"), 3, (12, 33)),
    "cloudy": (T("it is cloudy", "le ciel est nuageux", "está nublado", "облачно"), 3, (5, 22)),
    "rain": (T("it is raining", "il pleut", "está chovendo", "идёт дождь"), 2, (4, 18)),
    "windy": (T("it is windy", "il y a du vent", "está ventando", "ветрено"), 1, (3, 20)),
    "snow": (T("it is snowing", "il neige", "está nevando", "идёт снег"), 1, (-10, 0)),
}

_SNOWY = ("ru", "no", "se", "ca", "pl", "cz", "at", "de", "hu")  # countries where it may snow today

# Professions: en, fr m, fr f, pt m, pt f, ru m, ru f
_PROFESSIONS = [
    ("doctor", "médecin", "médecin", "médico", "médica", "врач", "врач"),
    ("teacher", "professeur", "professeure", "professor", "professora", "учитель", "учительница"),
    ("engineer", "ingénieur", "ingénieure", "engenheiro", "engenheira", "инженер", "инженер"),
    ("lawyer", "avocat", "avocate", "advogado", "advogada", "юрист", "юрист"),
    ("nurse", "infirmier", "infirmière", "enfermeiro", "enfermeira", "медбрат", "медсестра"),
    ("architect", "architecte", "architecte", "arquiteto", "arquiteta", "архитектор", "архитектор"),
    ("cook", "cuisinier", "cuisinière", "cozinheiro", "cozinheira", "повар", "повар"),
    ("journalist", "journaliste", "journaliste", "jornalista", "jornalista", "журналист", "журналистка"),
    ("painter", "peintre", "peintre", "pintor", "pintora", "художник", "художница"),
    ("pianist", "pianiste", "pianiste", "pianista", "pianista", "пианист", "пианистка"),
    ("photographer", "photographe", "photographe", "fotógrafo", "fotógrafa", "фотограф", "фотограф"),
    ("baker", "boulanger", "boulangère", "padeiro", "padeira", "пекарь", "пекарь"),
    ("pilot", "pilote", "pilote", "piloto", "piloto", "пилот", "пилот"),
    ("librarian", "bibliothécaire", "bibliothécaire", "bibliotecário", "bibliotecária", "библиотекарь",
     "библиотекарь"),
    ("programmer", "programmeur", "programmeuse", "programador", "programadora", "программист",
     "программистка"),
    ("veterinarian", "vétérinaire", "vétérinaire", "veterinário", "veterinária", "ветеринар", "ветеринар"),
]
# Hobbies: (3rd person present, gerund/infinitive) per language
_HOBBIES = [
    T(("plays chess", "playing chess"), ("joue aux échecs", "jouer aux échecs"), ("joga xadrez", "jogar xadrez"),
      ("играет в шахматы", "играть в шахматы")),
    T(("plays tennis", "playing tennis"), ("joue au tennis", "jouer au tennis"), ("joga tênis", "jogar tênis"),
      ("играет в теннис", "играть в теннис")),
    T(("reads novels", "reading novels"), ("lit des romans", "lire des romans"), ("lê romances", "ler romances"),
      ("читает романы", "читать романы")),
    T(("grows tomatoes", "growing tomatoes"), ("cultive des tomates", "cultiver des tomates"),
      ("cultiva tomates", "cultivar tomates"), ("выращивает помидоры", "выращивать помидоры")),
    T(("paints landscapes", "painting landscapes"), ("peint des paysages", "peindre des paysages"),
      ("pinta paisagens", "pintar paisagens"), ("рисует пейзажи", "рисовать пейзажи")),
    T(("runs in the park", "running in the park"), ("court dans le parc", "courir dans le parc"),
      ("corre no parque", "correr no parque"), ("бегает в парке", "бегать в парке")),
    T(("sings in a choir", "singing in a choir"), ("chante dans une chorale", "chanter dans une chorale"),
      ("canta em um coral", "cantar em um coral"), ("поёт в хоре", "петь в хоре")),
    T(("collects stamps", "collecting stamps"), ("collectionne les timbres", "collectionner les timbres"),
      ("coleciona selos", "colecionar selos"), ("собирает марки", "собирать марки")),
    T(("bakes bread", "baking bread"), ("fait son propre pain", "faire son propre pain"),
      ("faz pão em casa", "fazer pão em casa"), ("печёт хлеб", "печь хлеб")),
    T(("plays the guitar", "playing the guitar"), ("joue de la guitare", "jouer de la guitare"),
      ("toca violão", "tocar violão"), ("играет на гитаре", "играть на гитаре")),
    T(("takes photos of birds", "taking photos of birds"), ("photographie les oiseaux", "photographier les oiseaux"),
      ("fotografa pássaros", "fotografar pássaros"), ("фотографирует птиц", "фотографировать птиц")),
    T(("goes hiking in the mountains", "hiking in the mountains"),
      ("fait de la randonnée en montagne", "faire de la randonnée en montagne"),
      ("faz trilhas nas montanhas", "fazer trilhas nas montanhas"), ("ходит в походы", "ходить в походы")),
    T(("learns Japanese", "learning Japanese"), ("apprend le japonais", "apprendre le japonais"),
      ("estuda japonês", "estudar japonês"), ("учит японский язык", "учить японский язык")),
]
_FIRST = [  # latin, gender, ru
    ("Anna", "f", "Анна"), ("Maria", "f", "Мария"), ("Sofia", "f", "София"), ("Laura", "f", "Лаура"),
    ("Clara", "f", "Клара"), ("Elena", "f", "Елена"), ("Julia", "f", "Юлия"), ("Eva", "f", "Ева"),
    ("Nina", "f", "Нина"), ("Irina", "f", "Ирина"), ("Olga", "f", "Ольга"), ("Lucia", "f", "Лючия"),
    ("Lucas", "m", "Лукас"), ("Daniel", "m", "Даниэль"), ("Marco", "m", "Марко"), ("Victor", "m", "Виктор"),
    ("Felix", "m", "Феликс"), ("Leon", "m", "Леон"), ("Pedro", "m", "Педро"), ("Ivan", "m", "Иван"),
    ("Adam", "m", "Адам"), ("Oscar", "m", "Оскар"), ("Tomas", "m", "Томас"), ("Boris", "m", "Борис"),
]
_LAST = [  # latin m, latin f, ru m, ru f
    ("Petrov", "Petrova", "Петров", "Петрова"), ("Sokolov", "Sokolova", "Соколов", "Соколова"),
    ("Ivanov", "Ivanova", "Иванов", "Иванова"), ("Kowalski", "Kowalska", "Ковальский", "Ковальская"),
    ("Weber", "Weber", "Вебер", "Вебер"), ("Novak", "Novak", "Новак", "Новак"),
    ("Bernard", "Bernard", "Бернар", "Бернар"), ("Lindqvist", "Lindqvist", "Линдквист", "Линдквист"),
    ("Fischer", "Fischer", "Фишер", "Фишер"), ("Martins", "Martins", "Мартинс", "Мартинс"),
    ("Santos", "Santos", "Сантос", "Сантос"), ("Mendes", "Mendes", "Мендес", "Мендес"),
    ("Moreau", "Moreau", "Моро", "Моро"), ("Dubois", "Dubois", "Дюбуа", "Дюбуа"),
    ("Rossi", "Rossi", "Росси", "Росси"), ("Laurent", "Laurent", "Лоран", "Лоран"),
]


def _ru_first_cases(nom: str, g: str) -> tuple[str, str]:
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


def _ru_last_cases(nom: str, g: str) -> tuple[str, str]:
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


@dataclass(frozen=True)
class Person(Ent):
    first: str
    last: str
    ru_first: str
    ru_last: str
    g: str
    prof: tuple
    city: str
    year: int
    hobby: dict
    purchase: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def forms(self, lang):
        f = self.g == "f"
        hob, hob_inf = self.hobby[lang]
        if lang == "en":
            return {"": self.name, "first": self.first, "he": "she" if f else "he", "his": "her" if f else "his",
                    "prof": self.prof[0], "a_prof": en_a(self.prof[0]), "poss": en_poss(self.name),
                    "hobby": hob, "hobby_inf": hob_inf}
        if lang == "fr":
            return {"": self.name, "first": self.first, "he": "elle" if f else "il", "prof": self.prof[2 if f else 1],
                    "born": "est née" if f else "est né", "born_pp": "née" if f else "né", "de": fr_de(self.name),
                    "hobby": hob, "hobby_inf": hob_inf}
        if lang == "pt":
            return {"": self.name, "first": self.first, "he": "ela" if f else "ele", "prof": self.prof[4 if f else 3],
                    "born_adj": "nascida" if f else "nascido", "hobby": hob, "hobby_inf": hob_inf}
        fg, fa = _ru_first_cases(self.ru_first, self.g)
        lg, la = _ru_last_cases(self.ru_last, self.g)
        return {"": f"{self.ru_first} {self.ru_last}", "first": self.ru_first, "gen": f"{fg} {lg}",
                "acc": f"{fa} {la}", "he": "она" if f else "он", "prof": self.prof[6 if f else 5],
                "born": "родилась" if f else "родился", "bought": "купила" if f else "купил",
                "paid": "заплатила" if f else "заплатил", "decided": "решила" if f else "решил",
                "smiled": "улыбнулась" if f else "улыбнулся", "born_part": "родившаяся" if f else "родившийся",
                "which": "которая" if f else "который", "who": "такая" if f else "такой",
                "hobby": hob, "hobby_inf": hob_inf}


@dataclass(frozen=True)
class Product(Ent):
    key: str
    en: str
    fr: str
    fr_g: str
    pt: str
    pt_g: str
    ru: str
    ru_acc: str
    ru_pl: bool
    lo: int
    hi: int

    def forms(self, lang):
        if lang == "en":
            return {"": "the " + self.en, "bare": self.en, "a": en_a(self.en)}
        if lang == "fr":
            return {"": fr_def(self.fr, self.fr_g), "bare": self.fr, "a": fr_indef(self.fr, self.fr_g),
                    "de": fr_du(self.fr, self.fr_g)}
        if lang == "pt":
            return {"": pt_def(self.pt, self.pt_g), "bare": self.pt, "a": pt_indef(self.pt, self.pt_g),
                    "de": pt_do(self.pt, self.pt_g)}
        return {"": self.ru, "bare": self.ru, "acc": self.ru_acc, "costs": "стоят" if self.ru_pl else "стоит"}


_PRODUCTS = [Product(*row) for row in [
    ("bicycle", "bicycle", "vélo", "m", "bicicleta", "f", "велосипед", "велосипед", False, 150, 600),
    ("laptop", "laptop", "ordinateur portable", "m", "computador portátil", "m", "ноутбук", "ноутбук", False,
     400, 1500),
    ("lamp", "lamp", "lampe", "f", "luminária", "f", "лампа", "лампу", False, 15, 80),
    ("chair", "chair", "chaise", "f", "cadeira", "f", "стул", "стул", False, 20, 120),
    ("table", "table", "table", "f", "mesa", "f", "стол", "стол", False, 60, 400),
    ("backpack", "backpack", "sac à dos", "m", "mochila", "f", "рюкзак", "рюкзак", False, 20, 90),
    ("umbrella", "umbrella", "parapluie", "m", "guarda-chuva", "m", "зонт", "зонт", False, 10, 40),
    ("teapot", "teapot", "théière", "f", "bule", "m", "заварочный чайник", "заварочный чайник", False, 10, 50),
    ("watch", "watch", "montre", "f", "relógio", "m", "часы", "часы", True, 30, 300),
    ("camera", "camera", "appareil photo", "m", "câmera", "f", "фотоаппарат", "фотоаппарат", False, 200, 900),
    ("phone", "phone", "téléphone", "m", "celular", "m", "телефон", "телефон", False, 100, 900),
    ("dictionary", "dictionary", "dictionnaire", "m", "dicionário", "m", "словарь", "словарь", False, 10, 45),
    ("sofa", "sofa", "canapé", "m", "sofá", "m", "диван", "диван", False, 300, 1200),
    ("guitar", "guitar", "guitare", "f", "violão", "m", "гитара", "гитару", False, 80, 500),
    ("coffee_machine", "coffee machine", "machine à café", "f", "cafeteira", "f", "кофеварка", "кофеварку",
     False, 40, 300),
    ("kettle", "kettle", "bouilloire", "f", "chaleira", "f", "электрочайник", "электрочайник", False, 15, 60),
    ("scarf", "scarf", "écharpe", "f", "cachecol", "m", "шарф", "шарф", False, 10, 60),
]]


@dataclass(frozen=True)
class EventType(Ent):
    en: str
    fr: str
    fr_g: str
    pt: str
    pt_g: str
    ru: str
    ru_acc: str

    def forms(self, lang):
        if lang == "en":
            return {"": "the " + self.en, "bare": self.en, "to": "to the " + self.en}
        if lang == "fr":
            return {"": fr_def(self.fr, self.fr_g), "bare": self.fr, "to": fr_to(self.fr, self.fr_g),
                    "organized": "organisé" if self.fr_g == "m" else "organisée"}
        if lang == "pt":
            return {"": pt_def(self.pt, self.pt_g), "bare": self.pt, "to": pt_to(self.pt, self.pt_g),
                    "organized": "organizado" if self.pt_g == "m" else "organizada"}
        # a masculine inanimate noun has acc == nom; the feminine ones here do not
        return {"": self.ru, "acc": self.ru_acc, "which": "который" if self.ru_acc == self.ru else "которую"}


_EVENT_TYPES = [EventType(*row) for row in [
    ("concert", "concert", "m", "concerto", "m", "концерт", "концерт"),
    ("art exhibition", "exposition de peinture", "f", "exposição de arte", "f", "художественная выставка",
     "художественную выставку"),
    ("music festival", "festival de musique", "m", "festival de música", "m", "музыкальный фестиваль",
     "музыкальный фестиваль"),
    ("science conference", "conférence scientifique", "f", "conferência científica", "f", "научная конференция",
     "научную конференцию"),
    ("marathon", "marathon", "m", "maratona", "f", "марафон", "марафон"),
    ("book fair", "salon du livre", "m", "feira do livro", "f", "книжная ярмарка", "книжную ярмарку"),
    ("jazz festival", "festival de jazz", "m", "festival de jazz", "m", "джазовый фестиваль", "джазовый фестиваль"),
    ("film festival", "festival du film", "m", "festival de cinema", "m", "кинофестиваль", "кинофестиваль"),
    ("food fair", "foire gastronomique", "f", "feira gastronômica", "f", "гастрономическая ярмарка",
     "гастрономическую ярмарку"),
]]


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
        self.cities = _CITIES
        self.city = {c.key: c for c in _CITIES}
        self.country = {k.key: k for k in _COUNTRIES}
        self.river = {r.key: r for r in _RIVERS}
        self.animals = _ANIMALS
        self.products = _PRODUCTS
        kinds = list(_WEATHER)
        self.weather = {}
        for c in _CITIES:
            ok = [x for x in kinds if x != "snow" or c.country in _SNOWY]
            k = rng.choices(ok, weights=[_WEATHER[x][1] for x in ok])[0]
            lo, hi = _WEATHER[k][2]
            self.weather[c.key] = (k, rng.randint(lo, hi))
        self.price = {x.key: 5 * rng.randint(x.lo // 5, x.hi // 5) for x in _PRODUCTS}
        names = [(f, l) for f in range(len(_FIRST)) for l in range(len(_LAST))]
        self.people = []
        for fi, li in rng.sample(names, self.N_PEOPLE):
            first, g, ru_first = _FIRST[fi]
            lm, lf, rm, rf = _LAST[li]
            self.people.append(Person(first, lf if g == "f" else lm, ru_first, rf if g == "f" else rm, g,
                                      rng.choice(_PROFESSIONS), rng.choice(_CITIES).key, rng.randint(1955, 2002),
                                      rng.choice(_HOBBIES), rng.choice(_PRODUCTS).key))
        pairs = [(k, c.key) for k in range(len(_EVENT_TYPES)) for c in _CITIES]
        self.events = [Event(_EVENT_TYPES[k], c, rng.randint(1, 12), rng.randint(1, 28), 5 * rng.randint(1, 16),
                             rng.randrange(self.N_PEOPLE)) for k, c in rng.sample(pairs, self.N_EVENTS)]
        same = [(a.key, b.key) for a in _CITIES for b in _CITIES if a.key != b.key and a.country == b.country]
        cross = [(a.key, b.key) for a in _CITIES for b in _CITIES if a.country != b.country]
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
        return join_list([F(T("{l}", "{l}", "{l}", "{l}"), l=_LANGUAGES[x]) for x in k.langs])

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
                 c=c, w=_WEATHER[kind][0], deg=degrees(t))

    def country_facts(self, k: Country) -> list[tuple[Unit, Unit]]:
        cap_city = self.city[_CAPITALS[k.key]]
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
        if _CAPITALS[k.key] == c.key:
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
                       w=_WEATHER[kind][0], deg=degrees(t)))
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


# --------------------------------------------------------------------------------------------
# Instruction-tuning examples, per Dolly category: gen(w, rng) -> (instruction, context|None, response)
# --------------------------------------------------------------------------------------------
Example = tuple  # (Unit, Unit | None, Unit)


def _lines(*units: Unit) -> Unit:
    return J(*units, sep="\n")


def _bullets(items: list[Unit]) -> Unit:
    return {lang: "\n".join("- " + i[lang] for i in items) for lang in LANGS}


def _pick(rng: Random, *variants: Unit) -> Unit:
    return variants[rng.randrange(len(variants))]


# open_qa ------------------------------------------------------------------------------------
def oq_fact(w, rng):
    q, a = rng.choice(w.qas)
    return q, None, a


def oq_arith(w, rng):
    q, a = misc_qa(w, rng)
    return q, None, a


def oq_animal_more(w, rng):
    a = rng.choice(w.animals)
    return (R(_pick(rng, T("Tell me three facts about {a}.", "Donne-moi trois faits sur {a}.",
                           "Diga três fatos sobre {a}.", "Назови три факта о таком животном, как {a}."),
                    T("What do you know about {a}?", "Que sais-tu sur {a} ?", "O que você sabe sobre {a}?",
                      "Что ты знаешь о таком животном, как {a}?")), a=a),
            None, w.animal_passage(a))


# general_qa ---------------------------------------------------------------------------------
def gq_pet(w, rng):
    a = rng.choice(w.animals)
    q = R(_pick(rng, T("Would {a} make a good pet?", "Est-ce que {a} peut être un bon animal de compagnie ?",
                       "{a_C} pode ser um bom animal de estimação?", "Может ли {a} быть хорошим домашним питомцем?"),
                T("Is it a good idea to keep {a_a} as a pet?",
                  "Est-ce une bonne idée d'avoir {a_a} comme animal de compagnie ?",
                  "É uma boa ideia ter {a_a} como animal de estimação?",
                  "Стоит ли заводить дома такое животное, как {a}?")), a=a)
    if a.habitat == "homes":
        r = T("Yes. {a_C} often lives in people's homes and can be a good pet.",
              "Oui. {a_C} vit souvent dans les maisons et peut être un bon animal de compagnie.",
              "Sim. {a_C} costuma viver nas casas das pessoas e pode ser um bom animal de estimação.",
              "Да. {a_C} часто живёт в домах людей и может стать хорошим домашним питомцем.")
    elif a.habitat == "farms":
        r = T("Not really. {a_C} lives {a_hab} and needs a lot of space, so it is not a typical pet.",
              "Pas vraiment. {a_C} vit {a_hab} et a besoin de beaucoup d'espace : ce n'est pas un animal de "
              "compagnie typique.",
              "Não exatamente. {a_C} vive {a_hab} e precisa de muito espaço, então não é um animal de "
              "estimação típico.",
              "Не совсем. {a_C} живёт {a_hab} и нуждается в большом пространстве, поэтому это не типичный "
              "домашний питомец.")
    else:
        r = T("No. {a_C} is a wild animal that lives {a_hab}. It is better to observe it in nature.",
              "Non. {a_C} est un animal sauvage qui vit {a_hab}. Il vaut mieux l'observer dans la nature.",
              "Não. {a_C} é um animal selvagem que vive {a_hab}. É melhor admirar esse animal na natureza.",
              "Нет. {a_C} — дикое животное, которое живёт {a_hab}. Лучше наблюдать за ним в природе.")
    return q, None, R(r, a=a)


def gq_budget(w, rng):
    x1, x2 = rng.sample(w.products, 2)
    p1, p2 = w.price[x1.key], w.price[x2.key]
    total = p1 + p2
    budget = total
    while budget == total:
        budget = 5 * max(2, round(total * rng.uniform(0.6, 1.4) / 5))
    q = R(T("I have {b}. Can I buy {x_a} and {y_a}?", "J'ai {b}. Est-ce que je peux acheter {x_a} et {y_a} ?",
            "Tenho {b}. Posso comprar {x_a} e {y_a}?", "У меня есть {b}. Могу ли я купить {x_acc} и {y_acc}?"),
          b=euros(budget), x=x1, y=x2)
    head = R(T("{x_C} costs {m1} and {y} costs {m2}, which makes {s} in total.",
               "{x_C} coûte {m1} et {y} coûte {m2}, soit {s} au total.",
               "{x_C} custa {m1} e {y} custa {m2}, ou seja, {s} no total.",
               "{x_C} {x_costs} {m1}, а {y} — {m2}, то есть всего {s}."),
             x=x1, y=x2, m1=euros(p1), m2=euros(p2), s=euros(total))
    if budget > total:
        tail = R(T("Yes, you can buy both, and you will have {r} left.",
                   "Oui, vous pouvez acheter les deux, et il vous restera {r}.",
                   "Sim, você pode comprar os dois produtos e ainda vão sobrar {r}.",
                   "Да, вы можете купить и то, и другое, и у вас останется {r}."), r=euros(budget - total))
    else:
        tail = R(T("No, you would need {r} more.", "Non, il vous manque {r}.", "Não, faltam {r}.",
                   "Нет, вам не хватает {r}."), r=euros(total - budget))
    return q, None, J(head, tail)


def gq_umbrella(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    q = R(T("Should I take an umbrella if I go out in {c} today?",
            "Dois-je prendre un parapluie si je sors {c_in} aujourd'hui ?",
            "Devo levar guarda-chuva se eu sair {c_in} hoje?",
            "Брать ли зонт, если я сегодня пойду гулять {c_in}?"), c=c)
    if kind == "rain":
        r = T("Yes. Today in {c} it is raining, so an umbrella will be useful.",
              "Oui. Aujourd'hui {c_in}, il pleut : un parapluie vous sera utile.",
              "Sim. Hoje {c_in} está chovendo, então o guarda-chuva vai ser útil.",
              "Да. Сегодня {c_in} идёт дождь, так что зонт пригодится.")
    elif kind == "snow":
        r = T("Today in {c} it is snowing and the temperature is {deg}, so an umbrella is not really needed, "
              "but take a warm coat.",
              "Aujourd'hui {c_in}, il neige et la température est de {deg} : un parapluie n'est pas vraiment "
              "nécessaire, mais prenez un manteau chaud.",
              "Hoje {c_in} está nevando e a temperatura é de {deg}; o guarda-chuva não é muito necessário, "
              "mas leve um casaco quente.",
              "Сегодня {c_in} идёт снег, температура {deg}: зонт не особенно нужен, но возьмите тёплую куртку.")
    else:
        r = T("No. Today in {c} {w}, so you will not need an umbrella.",
              "Non. Aujourd'hui {c_in}, {w} : vous n'aurez pas besoin de parapluie.",
              "Não. Hoje {c_in} {w}, então você não vai precisar de guarda-chuva.",
              "Нет. Сегодня {c_in} {w}, так что зонт вам не понадобится.")
    return q, None, R(r, c=c, w=_WEATHER[kind][0], deg=degrees(t))


def gq_wear(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    q = R(T("What should I wear in {c} today?", "Comment dois-je m'habiller {c_in} aujourd'hui ?",
            "O que devo vestir {c_in} hoje?", "Что мне надеть сегодня {c_in}?"), c=c)
    if kind == "snow" or t <= 5:
        tip = T("Wear a warm coat, a hat and gloves.", "Mettez un manteau chaud, un bonnet et des gants.",
                "Use um casaco quente, gorro e luvas.", "Наденьте тёплую куртку, шапку и перчатки.")
    elif kind == "rain":
        tip = T("Wear a raincoat and waterproof shoes.", "Mettez un imperméable et des chaussures étanches.",
                "Use uma capa de chuva e sapatos impermeáveis.", "Наденьте плащ и непромокаемую обувь.")
    elif t >= 24:
        tip = T("Wear light clothes and do not forget a hat.",
                "Portez des vêtements légers et n'oubliez pas un chapeau.",
                "Use roupas leves e não esqueça o chapéu.", "Наденьте лёгкую одежду и не забудьте головной убор.")
    else:
        tip = T("A light jacket will be enough.", "Une veste légère suffira.", "Uma jaqueta leve será suficiente.",
                "Лёгкой куртки будет достаточно.")
    return q, None, J(w.weather_sentence(c), tip)


def gq_travel(w, rng):
    t = rng.choice(w.trips)
    a, b = w.city[t.a], w.city[t.b]
    kw = dict(a=a, b=b, t1=clock(t.dep), t2=clock(t.dep + t.minutes), d=duration(t.minutes))
    q = R(_pick(rng, T("How can I get from {a} to {b}?", "Comment aller {a_from} {b_to} ?",
                       "Como posso ir {a_from} {b_to}?", "Как добраться {a_from} {b_to}?"),
                T("What is the best way to travel from {a} to {b}?",
                  "Quel est le meilleur moyen d'aller {a_from} {b_to} ?",
                  "Qual é a melhor maneira de viajar {a_from} {b_to}?", "Как лучше всего доехать {a_from} {b_to}?")),
          **kw)
    if t.train:
        r = T("You can take the train. It leaves {a} at {t1} and arrives in {b} at {t2}, so the journey takes {d}.",
              "Vous pouvez prendre le train. Il part {a_from} à {t1} et arrive {b_to} à {t2} : le trajet dure {d}.",
              "Você pode pegar o trem. Ele sai {a_from} às {t1} e chega {b_in} às {t2}, então a viagem dura {d}.",
              "Можно поехать на поезде. Он отправляется {a_from} в {t1} и прибывает {b_to} в {t2}, так что дорога "
              "занимает {d}.")
    else:
        r = T("You can fly. The flight leaves {a} at {t1} and lands in {b} at {t2}, so the journey takes {d}.",
              "Vous pouvez prendre l'avion. Le vol décolle {a_from} à {t1} et atterrit {b_to} à {t2} : le voyage "
              "dure {d}.",
              "Você pode ir de avião. O voo decola {a_from} às {t1} e pousa {b_in} às {t2}, então a viagem dura {d}.",
              "Можно полететь на самолёте. Он вылетает {a_from} в {t1} и приземляется {b_in} в {t2}, так что "
              "полёт занимает {d}.")
    return q, None, R(r, **kw)


def gq_whois(w, rng):
    p = rng.choice(w.people)
    q = R(_pick(rng, T("Who is {p}?", "Qui est {p} ?", "Quem é {p}?", "Кто {p_who} {p}?"),
                T("What can you tell me about {p}?", "Que peux-tu me dire {p_de} ?", "O que você sabe sobre {p}?",
                  "Что ты можешь рассказать про {p_acc}?")), p=p)
    return q, None, w.person_passage(p, purchase=False)


# classification -----------------------------------------------------------------------------
def cl_animals(w, rng):
    while True:
        animals = rng.sample(w.animals, rng.randint(4, 6))
        if len({a.cls for a in animals}) >= 3:
            break
    q = R(T("Classify each of these animals as a mammal, bird, fish, insect, reptile or arachnid: {l}.",
            "Classe chacun de ces animaux comme mammifère, oiseau, poisson, insecte, reptile ou arachnide : {l}.",
            "Classifique cada um destes animais como mamífero, ave, peixe, inseto, réptil ou aracnídeo: {l}.",
            "Определи, к какому классу относится каждое из этих животных (млекопитающее, птица, рыба, насекомое, "
            "рептилия или паукообразное): {l}."), l=comma_list([F(T("{a_bare}", "{a_bare}", "{a_bare}", "{a_bare}"),
                                                                    a=a) for a in animals]))
    r = _lines(*[w.animal_facts(a)[0][0] for a in animals])
    return q, None, r


def cl_diet(w, rng):
    pool = [a for a in w.animals if a.diet in _DIET_GROUP]
    while True:
        animals = rng.sample(pool, rng.randint(3, 5))
        if len({_DIET_GROUP[a.diet] for a in animals}) >= 2:
            break
    q = R(T("Classify these animals as herbivores, carnivores or omnivores: {l}.",
            "Classe ces animaux en herbivores, carnivores ou omnivores : {l}.",
            "Classifique estes animais em herbívoros, carnívoros ou onívoros: {l}.",
            "Раздели этих животных на травоядных, хищников и всеядных: {l}."),
          l=comma_list([F(T("{a_bare}", "{a_bare}", "{a_bare}", "{a_bare}"), a=a) for a in animals]))
    r = _lines(*[R(T("{a_C} is {g}.", "{a_C} est {g}.", "{a_C} é {g}.", "{a_C} — {g}."), a=a,
                   g=_diet_label(_DIET_GROUP[a.diet], a.pt_g)) for a in animals])
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
    q = R(T("Which of these cities are in {k}: {l}?", "Lesquelles de ces villes se trouvent {k_in} : {l} ?",
            "Quais destas cidades ficam {k_in}: {l}?", "Какие из этих городов находятся {k_in}: {l}?"),
          k=k, l=comma_list([name(c) for c in mixed]))
    r = J(R(T("In {k}: {l}.", "{k_in_C} : {l}.", "{k_in_C}: {l}.", "{k_in_C}: {l}."), k=k,
            l=comma_list([name(c) for c in inside])),
          R(T("Not in {k}: {l}.", "Ailleurs : {l}.", "Em outros países: {l}.", "В других странах: {l}."), k=k,
            l=comma_list([F(T("{c} ({k_bare})", "{c} ({k_bare})", "{c} ({k_bare})", "{c} ({k_bare})"), c=c,
                            k=w.country_of(c)) for c in outside])), sep="\n")
    return q, None, r


def cl_prices(w, rng):
    limit = rng.choice([50, 100, 200])
    while True:
        xs = rng.sample(w.products, rng.randint(3, 5))
        cheap = [x for x in xs if w.price[x.key] < limit]
        if cheap and len(cheap) < len(xs):
            break
    dear = [x for x in xs if x not in cheap]
    item = lambda x: F(T("{x_bare} ({m})", "{x_bare} ({m})", "{x_bare} ({m})", "{x_bare} ({m})"),  # noqa: E731
                       x=x, m=euros(w.price[x.key]))
    q = R(T("Classify each item as cheap (under {m}) or expensive ({m} or more): {l}.",
            "Classe chaque article comme bon marché (moins de {m}) ou cher ({m} ou plus) : {l}.",
            "Classifique cada produto como barato (menos de {m}) ou caro (a partir de {m}): {l}.",
            "Раздели товары на дешёвые (дешевле {m}) и дорогие ({m} и дороже): {l}."),
          m=euros(limit), l=comma_list([F(T("{x_bare}", "{x_bare}", "{x_bare}", "{x_bare}"), x=x) for x in xs]))
    r = J(R(T("Cheap items: {l}.", "Articles bon marché : {l}.", "Os itens baratos são: {l}.", "Дешёвые товары: {l}."),
            l=comma_list([item(x) for x in cheap])),
          R(T("Expensive items: {l}.", "Articles chers : {l}.", "Os itens caros são: {l}.", "Дорогие товары: {l}."),
            l=comma_list([item(x) for x in dear])),
          sep="\n")
    return q, None, r


def cl_numbers(w, rng):
    while True:
        ns = rng.sample(range(2, 200), rng.randint(4, 7))
        ev, od = [n for n in ns if n % 2 == 0], [n for n in ns if n % 2]
        if ev and od:
            break
    q = R(T("Classify these numbers as even or odd: {l}.", "Classe ces nombres en pairs et impairs : {l}.",
            "Classifique estes números em pares e ímpares: {l}.", "Раздели эти числа на чётные и нечётные: {l}."),
          l=", ".join(map(str, ns)))
    r = R(T("Even numbers: {e}.\nOdd numbers: {o}.", "Nombres pairs : {e}.\nNombres impairs : {o}.",
            "Os números pares são: {e}.\nOs números ímpares são: {o}.",
            "Чётные числа: {e}.\nНечётные числа: {o}."), e=", ".join(map(str, ev)), o=", ".join(map(str, od)))
    return q, None, r


# closed_qa ----------------------------------------------------------------------------------
def cq_city(w, rng):
    c = rng.choice(w.cities)
    ctx = w.city_passage(c)
    kinds = ["pop", "weather", "country"] + (["river"] if c.river else [])
    kind = rng.choice(kinds)
    if kind == "pop":
        q = T("According to the passage, how many inhabitants does {c} have?",
              "D'après le texte, combien d'habitants compte {c} ?",
              "De acordo com o texto, quantos habitantes tem {c}?",
              "Судя по тексту, сколько человек живёт {c_in}?")
        a = R(T("According to the passage, {c} has about {pop} inhabitants.",
                "D'après le texte, {c} compte environ {pop} habitants.",
                "De acordo com o texto, {c} tem cerca de {pop} habitantes.",
                "Судя по тексту, {c_in} живёт около {pop} человек."), c=c, pop=num(c.pop))
    elif kind == "weather":
        q = T("According to the passage, what is the weather like in {c} today?",
              "D'après le texte, quel temps fait-il {c_in} aujourd'hui ?",
              "De acordo com o texto, como está o tempo {c_in} hoje?", "Судя по тексту, какая сегодня погода {c_in}?")
        a = w.weather_sentence(c)
    elif kind == "country":
        q = T("According to the passage, in which country is {c}?", "D'après le texte, dans quel pays se trouve {c} ?",
              "De acordo com o texto, em que país fica {c}?", "Судя по тексту, в какой стране находится {c}?")
        a = R(T("{c} is in {k}.", "{c} se trouve {k_in}.", "{c} fica {k_in}.", "{c} находится {k_in}."),
              c=c, k=w.country_of(c))
    else:
        q = T("According to the passage, which river does {c} lie on?",
              "D'après le texte, sur quel cours d'eau se trouve {c} ?",
              "De acordo com o texto, qual rio passa por {c}?",
              "Судя по тексту, на какой реке стоит {c}?")
        a = w.river_sentence(c)
    return R(q, c=c), ctx, a


def cq_person(w, rng):
    p = rng.choice(w.people)
    ctx = w.person_passage(p)
    facts = w.person_facts(p)
    i = rng.choice([0, 1, 2, 3, 4])
    q = [T("Based on the text, what does {p} do for a living?", "D'après le texte, quel est le métier {p_de} ?",
           "Com base no texto, qual é a profissão de {p}?", "Судя по тексту, кем работает {p}?"),
         T("Based on the text, where does {p} live?", "D'après le texte, où habite {p} ?",
           "Com base no texto, onde {p} mora?", "Судя по тексту, где живёт {p}?"),
         T("Based on the text, in which year was {p} born?", "D'après le texte, en quelle année est {p_born_pp} {p} ?",
           "Com base no texto, em que ano {p} nasceu?", "Судя по тексту, в каком году {p_born} {p}?"),
         T("Based on the text, what does {p} do in {p_his} free time?",
           "D'après le texte, que fait {p} pendant son temps libre ?",
           "Com base no texto, o que {p} faz no tempo livre?", "Судя по тексту, чем {p} занимается в свободное время?"),
         T("Based on the text, what did {p} buy last month, and for how much?",
           "D'après le texte, qu'est-ce que {p} a acheté le mois dernier, et à quel prix ?",
           "Com base no texto, o que {p} comprou no mês passado e por quanto?",
           "Судя по тексту, что {p} {p_bought} в прошлом месяце и за сколько?")][i]
    return R(q, p=p), ctx, facts[i][0]


def cq_event(w, rng):
    e = rng.choice(w.events)
    c = w.city[e.city]
    facts = w.event_facts(e)
    i = rng.randrange(3)
    q = [T("When does {e} in {c} take place, according to the text?", "D'après le texte, quand a lieu {e} {c_in} ?",
           "Segundo o texto, quando acontece {e} {c_in}?", "Судя по тексту, когда пройдёт {e} {c_in}?"),
         T("According to the text, how much is a ticket for {e} in {c}?",
           "D'après le texte, combien coûte un billet pour {e} {c_in} ?",
           "Segundo o texto, quanto custa o ingresso para {e} {c_in}?",
           "Судя по тексту, сколько стоит билет на {e_acc} {c_in}?"),
         T("According to the text, who organizes {e} in {c}?", "D'après le texte, qui organise {e} {c_in} ?",
           "Segundo o texto, quem organiza {e} {c_in}?", "Судя по тексту, кто организует {e_acc} {c_in}?")][i]
    return R(q, e=e.kind, c=c), w.event_passage(e), facts[i][0]


# information_extraction ---------------------------------------------------------------------
def ie_person(w, rng):
    p = rng.choice(w.people)
    c = w.city[p.city]
    q = R(T("Extract {p_poss} profession, city of residence and year of birth from the text.",
            "Extrais du texte le métier, la ville de résidence et l'année de naissance {p_de}.",
            "Extraia do texto a profissão, a cidade onde mora e o ano de nascimento de {p}.",
            "Извлеки из текста профессию, город проживания и год рождения {p_gen}."), p=p)
    r = R(T("Profession: {p_prof}\nCity: {c}\nYear of birth: {y}",
            "Métier : {p_prof}\nVille : {c}\nAnnée de naissance : {y}",
            "Profissão: {p_prof}\nCidade: {c}\nAno de nascimento: {y}",
            "Профессия: {p_prof}\nГород: {c}\nГод рождения: {y}"),
          p=p, c=c, y=p.year)
    return q, w.person_passage(p), r


def ie_shop(w, rng):
    c = rng.choice(w.cities)
    xs = rng.sample(w.products, 3)
    kw = dict(c=c, x=xs[0], y=xs[1], z=xs[2], m1=euros(w.price[xs[0].key]), m2=euros(w.price[xs[1].key]),
              m3=euros(w.price[xs[2].key]))
    ctx = J(R(T("In a small shop in {c}, {x} costs {m1}, {y} costs {m2} and {z} costs {m3}.",
                "Dans une petite boutique {c_in}, {x} coûte {m1}, {y} coûte {m2} et {z} coûte {m3}.",
                "Em uma pequena loja {c_in}, {x} custa {m1}, {y} custa {m2} e {z} custa {m3}.",
                "В небольшом магазине {c_in} {x} {x_costs} {m1}, {y} — {m2}, а {z} — {m3}."), **kw),
            T("The shop is open every day except Sunday.", "La boutique est ouverte tous les jours sauf le dimanche.",
              "A loja abre todos os dias, exceto aos domingos.", "Магазин работает каждый день, кроме воскресенья."))
    q = R(_pick(rng, T("List the products sold in the shop in {c} with their prices, one per line.",
                       "Donne la liste des produits vendus dans la boutique {c_in} avec leur prix, un par ligne.",
                       "Liste os produtos vendidos na loja {c_in} com os seus preços, um por linha.",
                       "Перечисли товары из магазина {c_in} с их ценами, по одному на строку."),
                T("Extract every product and its price from this description of a shop in {c}.",
                  "Extrais chaque produit et son prix de cette description d'une boutique {c_in}.",
                  "Extraia cada produto e o seu preço desta descrição de uma loja {c_in}.",
                  "Выпиши каждый товар и его цену из этого описания магазина {c_in}.")), c=c)
    r = _lines(*[R(T("{x_bare_C}: {m}", "{x_bare_C} : {m}", "{x_bare_C}: {m}", "{x_bare_C}: {m}"), x=x,
                   m=euros(w.price[x.key])) for x in xs])
    return q, ctx, r


def ie_event(w, rng):
    e = rng.choice(w.events)
    c = w.city[e.city]
    q = R(T("Extract the date and the ticket price of {e} in {c} from the text.",
            "Extrais du texte la date et le prix du billet pour {e} {c_in}.",
            "Extraia do texto a data e o preço do ingresso para {e} {c_in}.",
            "Извлеки из текста дату и цену билета на {e_acc} {c_in}."), e=e.kind, c=c)
    r = R(T("Date: {d}\nTicket price: {m}", "Date : {d}\nPrix du billet : {m}", "Data: {d}\nPreço do ingresso: {m}",
            "Дата: {d}\nЦена билета: {m}"), d=date(e.month, e.day), m=euros(e.price))
    return q, w.event_passage(e), r


def ie_cities(w, rng):
    p = rng.choice(w.people)
    e = rng.choice(w.events)
    a, b = rng.sample([c for c in w.cities if c.key != e.city], 2)
    c, home = w.city[e.city], w.city[p.city]
    kw = dict(p=p, a=a, b=b, c=c, h=home, e=e.kind)
    ctx = R(T("{p} has a busy week. On Monday, {p_he} travels from {a} to {b}. "
              "On Wednesday, {p_he} goes to {e} in {c}. On Friday, {p_he} flies back home to {h}.",
              "{p} a une semaine chargée. Lundi, {p_he} voyage {a_from} {b_to}. Mercredi, {p_he} va {e_to} {c_in}. "
              "Vendredi, {p_he} rentre {h_to} en avion.",
              "{p} tem uma semana cheia. Na segunda-feira, {p_he} viaja {a_from} {b_to}. Na quarta-feira, {p_he} vai "
              "{e_to} {c_in}. Na sexta-feira, {p_he} volta de avião {h_to}.",
              "У {p_gen} насыщенная неделя. В понедельник {p_he} едет {a_from} {b_to}. В среду {p_he} идёт на {e_acc} "
              "{c_in}. В пятницу {p_he} летит домой {h_to}."), **kw)
    q = R(T("Extract all the cities mentioned in this note about {p_poss} week, in order.",
            "Extrais, dans l'ordre, toutes les villes mentionnées dans cette note sur la semaine {p_de}.",
            "Extraia, na ordem, todas as cidades mencionadas nesta nota sobre a semana de {p}.",
            "Выпиши по порядку все города, упомянутые в этой заметке о неделе {p_gen}."), p=p)
    names = []
    for x in (a, b, c, home):
        if x not in names:
            names.append(x)
    r = R(T("The note mentions these cities: {l}.", "La note mentionne ces villes : {l}.",
            "As cidades mencionadas na nota são: {l}.", "В заметке упоминаются такие города: {l}."),
          l=comma_list([F(T("{c}", "{c}", "{c}", "{c}"), c=x) for x in names]))
    return q, ctx, r


# summarization ------------------------------------------------------------------------------
def su_city(w, rng):
    c = rng.choice(w.cities)
    q = R(_pick(rng, T("Summarize this text about {c} in one sentence.", "Résume ce texte sur {c} en une phrase.",
                       "Resuma este texto sobre {c} em uma frase.",
                       "Кратко перескажи этот текст о городе {c} в одном предложении."),
                T("Give a one-sentence summary of the following description of {c}.",
                  "Fais un résumé en une phrase de cette description de {c}.",
                  "Faça um resumo em uma frase desta descrição de {c}.",
                  "Сделай краткое изложение этого описания города {c} в одном предложении.")), c=c)
    return q, w.city_passage(c, with_events=False), w.city_summary(c)


def su_person(w, rng):
    p = rng.choice(w.people)
    q = R(_pick(rng, T("Summarize this text about {p} in one sentence.", "Résume ce texte sur {p} en une phrase.",
                       "Resuma este texto sobre {p} em uma frase.",
                       "Кратко перескажи этот текст про {p_acc} в одном предложении."),
                T("Give a one-sentence summary of this short biography of {p}.",
                  "Fais un résumé en une phrase de cette courte biographie {p_de}.",
                  "Faça um resumo em uma frase desta pequena biografia de {p}.",
                  "Сделай краткое изложение этой короткой биографии {p_gen} в одном предложении.")), p=p)
    return q, w.person_passage(p, purchase=False), w.person_summary(p)


def su_event(w, rng):
    e = rng.choice(w.events)
    q = R(T("Summarize this announcement of {e} in {c} in one sentence.",
            "Résume en une phrase cette annonce pour {e} {c_in}.",
            "Resuma em uma frase este anúncio sobre {e} {c_in}.",
            "Кратко перескажи в одном предложении это объявление: {e} {c_in}."), e=e.kind, c=w.city[e.city])
    return q, w.event_passage(e), w.event_summary(e)


# brainstorming ------------------------------------------------------------------------------
def br_habitat(w, rng):
    hab = rng.choice(sorted({a.habitat for a in w.animals if sum(b.habitat == a.habitat for b in w.animals) >= 2}))
    animals = [a for a in w.animals if a.habitat == hab]
    q = R(_pick(rng, T("Name some animals that live {h}.", "Cite quelques animaux qui vivent {h}.",
                       "Cite alguns animais que vivem {h}.", "Назови несколько животных, которые живут {h}."),
                T("Which animals can you find {h}? Give me a list.",
                  "Quels animaux peut-on trouver {h} ? Donne-moi une liste.",
                  "Que animais podemos encontrar {h}? Faça uma lista.",
                  "Каких животных можно встретить {h}? Составь список.")),
          h=_HABITATS[hab])
    r = _bullets([R(T("{a_C}, which feeds on {a_diet}", "{a_C}, qui se nourrit {a_diet}",
                      "{a_C}, cuja alimentação é à base {a_diet}",
                      "{a_C}, {a_which} питается {a_diet}"), a=a) for a in animals])
    return q, None, r


def br_city(w, rng):
    c = rng.choice(w.cities)
    k = w.country_of(c)
    kind, t = w.weather[c.key]
    items = []
    if c.river:
        items.append(R(T("Take a walk along {r}.", "Faire une promenade {r_along}.", "Passear às margens do rio {r}.",
                         "Прогуляться вдоль {r_gen}."), r=w.river[c.river]))
    for e in w.events:
        if e.city == c.key:
            items.append(R(T("Go to {e} on {d}.", "Aller {e_to} le {d}.", "Ir {e_to} em {d}.",
                             "Сходить на {e_acc} {d}."),
                           e=e.kind, d=date(e.month, e.day)))
    if _CAPITALS[k.key] == c.key:
        items.append(R(T("See the main sights of the capital of {k}.",
                         "Voir les principaux monuments de la capitale {k_de}.",
                         "Ver os principais pontos turísticos da capital {k_de}.",
                         "Осмотреть главные достопримечательности столицы {k_gen}."), k=k))
    items.append({"rain": T("Visit a museum, since it is raining today.",
                            "Visiter un musée, puisqu'il pleut aujourd'hui.",
                            "Visitar um museu, já que hoje está chovendo.", "Сходить в музей: сегодня идёт дождь."),
                  "snow": T("Drink a hot chocolate in a café: it is snowing today.",
                            "Boire un chocolat chaud dans un café : il neige aujourd'hui.",
                            "Tomar um chocolate quente num café: hoje está nevando.",
                            "Выпить горячий шоколад в кафе: сегодня идёт снег.")}.get(
        kind, T("Have a picnic in a park.", "Faire un pique-nique dans un parc.", "Fazer um piquenique num parque.",
                "Устроить пикник в парке.")))
    items.append(T("Try the local food at a market.", "Goûter la cuisine locale au marché.",
                   "Provar a comida local em um mercado.", "Попробовать местную кухню на рынке."))
    items.append(T("Explore the old town on foot.", "Explorer la vieille ville à pied.",
                   "Conhecer o centro histórico a pé.", "Погулять по старому городу."))
    q = R(_pick(rng, T("Give me some ideas for a day in {c}.", "Donne-moi quelques idées pour une journée {c_in}.",
                       "Dê algumas ideias para um dia {c_in}.",
                       "Предложи несколько идей, чем заняться {c_in} за один день."),
                T("What can I do in {c} today?", "Que puis-je faire {c_in} aujourd'hui ?",
                  "O que posso fazer {c_in} hoje?",
                  "Чем можно заняться {c_in} сегодня?")), c=c)
    return q, None, _bullets(items)


def br_gifts(w, rng):
    while True:
        budget = 5 * rng.randint(6, 60)
        ok = [x for x in w.products if w.price[x.key] < budget]
        if 2 <= len(ok):
            break
    ok = rng.sample(ok, min(4, len(ok)))
    q = R(T("Suggest some gifts that cost less than {m}.", "Propose quelques idées de cadeaux à moins de {m}.",
            "Quais presentes você sugere por menos de {m}?", "Предложи несколько подарков дешевле {m}."),
          m=euros(budget))
    r = _bullets([R(T("{x_a_C} ({m})", "{x_a_C} ({m})", "{x_a_C} ({m})", "{x_C} ({m})"), x=x, m=euros(w.price[x.key]))
                  for x in ok])
    return q, None, r


def br_hobbies(w, rng):
    p = rng.choice(w.people)
    others = rng.sample([h for h in _HOBBIES if h is not p.hobby], 3)
    q = R(T("Suggest three new hobbies for {p}, who works as {p_a_prof}.",
            "Propose trois nouveaux loisirs pour {p}, qui est {p_prof}.",
            "Sugira três novos hobbies para {p}, que é {p_prof}.",
            "Предложи три новых хобби для {p_gen} (профессия — {p_prof})."), p=p)
    r = _bullets([{lang: cap(h[lang][1]) for lang in LANGS} for h in others])
    return q, None, r


def br_country(w, rng):
    k = rng.choice([k for k in w.country.values() if len(w.cities_in(k)) >= 2])
    q = R(T("Name some cities in {k}.", "Cite quelques villes {k_of}.", "Cite algumas cidades {k_de}.",
            "Назови несколько городов {k_gen}."), k=k)
    r = _bullets([R(T("{c} (about {pop} inhabitants)", "{c} (environ {pop} habitants)",
                      "{c} (cerca de {pop} habitantes)",
                      "{c} (около {pop} жителей)"), c=c, pop=num(c.pop)) for c in w.cities_in(k)])
    return q, None, r


# creative_writing ---------------------------------------------------------------------------
def cw_poem(w, rng):
    a = rng.choice(w.animals)
    q = R(T("Write a short poem about {a}.", "Écris un court poème sur {a}.", "Escreva um pequeno poema sobre {a}.",
            "Напиши короткое стихотворение, в котором главный герой — {a}."), a=a)
    it = "Il" if a.fr_g == "m" else "Elle"
    r = R(_pick(rng, T("{a_C} lives {a_hab},\nit feeds on {a_diet},\n"
                       "it asks for nothing more,\nand the world is brighter for it.",
                       "{a_C} vit {a_hab},\nse nourrit {a_diet},\n"
                       "ne demande rien de plus,\net le monde en est plus beau.",
                       "{a_C} vive {a_hab},\nse alimenta {a_diet},\n"
                       "não pede nada mais,\ne o mundo fica mais bonito assim.",
                       "{a_C} живёт {a_hab},\nпитается {a_diet},\nни о чём не просит,\nи мир от этого светлее."),
                T("Quietly, {a_hab},\n{a} greets the morning light.\n"
                  "It feeds on {a_diet}\nand rests when the day is done.",
                  "En silence, {a_hab},\n{a} salue la lumière du matin.\n"
                  + it + " se nourrit {a_diet}\net se repose à la fin du jour.",
                  "Em silêncio, {a_hab},\n{a} saúda a luz da manhã.\n"
                  "Se alimenta {a_diet}\ne descansa quando o dia termina.",
                  "Тихо {a_hab}\n{a} встречает утренний свет.\n"
                  "Питается {a_diet}\nи отдыхает, когда кончается день.")), a=a)
    return q, None, r


def cw_postcard(w, rng):
    c = rng.choice(w.cities)
    kind, t = w.weather[c.key]
    kw = dict(c=c, w=_WEATHER[kind][0], deg=degrees(t), pop=num(c.pop))
    q = R(T("Write a short postcard to a friend from {c}.", "Écris une courte carte postale à un ami depuis {c}.",
            "Escreva um cartão-postal curto para um amigo, enviado de {c}.",
            "Напиши короткую открытку другу {c_from}."), **kw)
    river = (R(T("The city lies on {r} and has about {pop} inhabitants. ",
                 "La ville se trouve sur {r} et compte environ {pop} habitants. ",
                 "A cidade fica às margens do rio {r} e tem cerca de {pop} habitantes. ",
                 "Город стоит {r_on}, в нём живёт около {pop} человек. "), r=w.river[c.river], pop=num(c.pop))
             if c.river else R(T("The city has about {pop} inhabitants. ", "La ville compte environ {pop} habitants. ",
                                 "A cidade tem cerca de {pop} habitantes. ", "В городе живёт около {pop} человек. "),
                               pop=num(c.pop)))
    r = R(T("Dear friend,\ngreetings from {c}! Today {w}, and the temperature is {deg}. {river}"
            "I will tell you everything when I am back.\nHugs!",
            "Cher ami,\nun grand bonjour {c_from} ! Aujourd'hui, {w}, et la température est de {deg}. {river}"
            "Je te raconterai tout à mon retour.\nBises !",
            "Querido amigo,\num grande abraço {c_from}! Hoje {w}, e a temperatura é de {deg}. {river}"
            "Conto tudo quando voltar.\nBeijos!",
            "Дорогой друг,\nпривет {c_from}! Сегодня здесь {w}, температура {deg}. {river}"
            "Всё расскажу, когда вернусь.\nОбнимаю!"), river=river, **kw)
    return q, None, r


def cw_story(w, rng):
    p = rng.choice(w.people)
    c = w.city[p.city]
    q = R(T("Write a short story about {p}, who {p_hobby}.", "Écris une courte histoire sur {p}, qui {p_hobby}.",
            "Escreva uma história curta sobre {p}, que {p_hobby}.",
            "Напиши короткий рассказ о человеке по имени {p}, {p_which} {p_hobby}."), p=p)
    r = R(T("{p} is {p_a_prof} in {c}. Every day {p_he} works hard, but in the evening {p_he} {p_hobby}. "
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
            "и {p_first} {p_smiled}: это было начало прекрасного приключения."), p=p, c=c)
    return q, None, r


def cw_ad(w, rng):
    x, c = rng.choice(w.products), rng.choice(w.cities)
    kw = dict(x=x, c=c, m=euros(w.price[x.key]))
    q = R(T("Write a short advertisement for {x_a}; the shop is in {c}.",
            "Écris une courte publicité pour {x_a} ; la boutique se trouve {c_in}.",
            "Escreva um pequeno anúncio para {x_a}; a loja fica {c_in}.",
            "Напиши короткую рекламу: товар — {x}, магазин находится {c_in}."), **kw)
    r = R(T("Looking for {x_a}? In our shop in {c}, {x} costs only {m}! Come and see for yourself.",
            "Vous cherchez {x_a} ? Dans notre boutique {c_in}, {x} ne coûte que {m} ! Venez vite nous voir.",
            "Procurando {x_a}? Na nossa loja {c_in}, {x} custa apenas {m}! Venha conferir.",
            "Ищете {x_acc}? В нашем магазине {c_in} {x} {x_costs} всего {m}! Приходите и убедитесь сами."), **kw)
    return q, None, r


GENERATORS: dict[str, list[Callable]] = {
    "open_qa": [oq_fact, oq_fact, oq_fact, oq_fact, oq_arith, oq_animal_more],
    "general_qa": [gq_pet, gq_budget, gq_umbrella, gq_wear, gq_travel, gq_whois],
    "classification": [cl_animals, cl_diet, cl_cities, cl_prices, cl_numbers],
    "closed_qa": [cq_city, cq_person, cq_event],
    "brainstorming": [br_habitat, br_city, br_gifts, br_hobbies, br_country],
    "information_extraction": [ie_person, ie_shop, ie_event, ie_cities],
    "summarization": [su_city, su_person, su_event],
    "creative_writing": [cw_poem, cw_postcard, cw_story, cw_ad],
}


# --------------------------------------------------------------------------------------------
# Assembling the files
# --------------------------------------------------------------------------------------------
def _allocate(n: int, weights: dict[str, float]) -> dict[str, int]:
    """n split over the categories in proportion to weights (largest remainder), each >= 1 if n allows."""
    if n <= 0:
        return {c: 0 for c in CATEGORIES}
    base = {c: 1 for c in CATEGORIES} if n >= len(CATEGORIES) else {c: 0 for c in CATEGORIES}
    rest = n - sum(base.values())
    total = sum(weights.values())
    exact = {c: rest * weights[c] / total for c in CATEGORIES}
    out = {c: base[c] + int(exact[c]) for c in CATEGORIES}
    left = n - sum(out.values())
    for c in sorted(CATEGORIES, key=lambda c: (-(exact[c] - int(exact[c])), CATEGORIES.index(c)))[:left]:
        out[c] += 1
    return out


def _round_robin(n: int) -> list[str]:
    return [CATEGORIES[i % len(CATEGORIES)] for i in range(n)]


def _examples(w: World, seed: int, need: dict[str, int]) -> dict[str, list[Example]]:
    """`need[cat]` examples per category whose instructions are unique in every language."""
    seen = {lang: set() for lang in LANGS}
    out = {}
    for cat in CATEGORIES:
        rng = Random(f"xlit-demo-it:{seed}:{cat}")
        got: list[Example] = []
        tries = 0
        while len(got) < need[cat]:
            tries += 1
            if tries > 200 * need[cat] + 1000:
                raise ValueError(f"demo world: cannot make {need[cat]} distinct '{cat}' examples "
                                 f"(got {len(got)}); lower n_it/n_valid/n_test")
            q, ctx, r = rng.choice(GENERATORS[cat])(w, rng)
            if any(q[lang] in seen[lang] for lang in LANGS):
                continue
            for lang in LANGS:
                seen[lang].add(q[lang])
            got.append((q, ctx, r))
        out[cat] = got
    return out


_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+")


def _segments(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in _SENT_SPLIT.split(line.strip()) if s]


def _corpus(w: World, seed: int, lang: str, n: int) -> list[str]:
    rng = Random(f"xlit-demo-corpus:{seed}:{lang}")
    qa_fmt = {"en": "Question: {q} Answer: {a}", "fr": "Question : {q} Réponse : {a}",
              "pt": "Pergunta: {q} Resposta: {a}", "ru": "Вопрос: {q} Ответ: {a}"}[lang]
    lines = []
    for _ in range(n):
        x = rng.random()
        if x < 0.30:
            line = rng.choice(w.facts)[lang]
        elif x < 0.40:
            f1, f2 = rng.sample(w.facts, 2)
            line = f"{f1[lang]} {f2[lang]}"
        elif x < 0.65:
            line = rng.choice(w.passages)[lang]
        elif x < 0.82:
            q, a = rng.choice(w.qas)
            line = qa_fmt.format(q=q[lang], a=a[lang])
        elif x < 0.92:
            q, a = rng.choice(w.qas)
            line = f"— {q[lang]} — {a[lang]}"
        else:
            q, a = misc_qa(w, rng)
            line = f"{q[lang]} {a[lang]}"
        lines.append(line.replace("\n", " "))
    return lines


def _aligned_split(unit: Unit, sep) -> list[Unit]:
    """A unit cut into aligned pieces (lines with a string, sentences with a regex) if it cuts into as many
    pieces in every language, else nothing; a regex that does not cut gives nothing either."""
    parts = {lang: [x.strip() for x in (unit[lang].split(sep) if isinstance(sep, str) else sep.split(unit[lang]))]
             for lang in LANGS}
    n = len(parts["en"])
    if any(len(v) != n for v in parts.values()) or (n == 1 and not isinstance(sep, str)):
        return []
    return [u for u in ({lang: parts[lang][i] for lang in LANGS} for i in range(n)) if all(u.values())]


def _parallel_pool(w: World, seed: int, forbidden: dict[str, set], need: int) -> list[Unit]:
    """Aligned single-line units (facts, questions, instruction and response lines, misc) in a seeded order,
    unique in every language, none of them a line or sentence of the IT set or the eval prompts."""
    rng = Random(f"xlit-demo-parallel:{seed}")
    seen = {lang: set() for lang in LANGS}
    pool: list[Unit] = []

    def add(u: Unit):
        if any(u[lang] in seen[lang] or u[lang] in forbidden[lang] for lang in LANGS):
            return
        for lang in LANGS:
            seen[lang].add(u[lang])
        pool.append(u)

    for q, a in w.qas:
        add(q)
        add(a)
    for cat in CATEGORIES:
        for _ in range(150):
            q, ctx, r = rng.choice(GENERATORS[cat])(w, rng)
            for unit in (q, ctx, r):
                if unit is None:
                    continue
                for line in _aligned_split(unit, "\n"):
                    add(line)
                    for sentence in _aligned_split(line, _SENT_SPLIT):
                        add(sentence)
    for _ in range(max(200, len(pool) // 8)):
        for u in misc_qa(w, rng):
            add(u)
    tries = 0
    while len(pool) < need:
        tries += 1
        if tries > 50 * need:
            raise ValueError(f"demo world: only {len(pool)} distinct parallel sentences for {need} requested")
        for u in misc_qa(w, rng):
            add(u)
    rng.shuffle(pool)
    return pool


_WORD = re.compile(r"\w+")


def answer_terms(reference: str, prompt: str, limit: int = 4) -> list[str]:
    """What a correct answer to `prompt` must contain: up to `limit` words of the reference answer (lower
    case) that carry its facts: numbers and words of 4+ letters that the prompt does not already contain;
    when there are none (the answer restates the prompt), the reference's numbers and long words."""
    seen = set(_WORD.findall(prompt.lower()))
    words = [x for x in dict.fromkeys(_WORD.findall(reference.lower())) if x.isdigit() or len(x) >= 4]
    new = [x for x in words if x not in seen]
    return (new or words)[:limit]


def _write_text(path: Path, lines: list[str]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")


def write_demo_world(outdir, *, seed=0, languages=("en", "fr", "pt", "ru"), n_corpus=1500, n_it=300, n_valid=12,
                     n_test=20, n_parallel=1500, n_parallel_test=100) -> dict:
    """Write the demo world under `outdir` (see the module docstring); return a summary of counts."""
    languages = tuple(languages)
    bad = [l for l in languages if l not in LANGS]
    if bad:
        raise ValueError(f"demo world: unsupported language(s) {bad}; supported: {list(LANGS)}")
    counts = dict(n_corpus=n_corpus, n_it=n_it, n_valid=n_valid, n_test=n_test, n_parallel=n_parallel,
                  n_parallel_test=n_parallel_test)
    for k, v in counts.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"demo world: {k} must be a non-negative integer, got {v!r}")
    out = Path(outdir)
    w = World(seed)

    # IT set and eval prompts come from one pool of examples with unique instructions.
    it_need = _allocate(n_it, DOLLY_SIZES)
    valid_cats, test_cats = _round_robin(n_valid), _round_robin(n_test)
    need = {c: it_need[c] + valid_cats.count(c) + test_cats.count(c) for c in CATEGORIES}
    pool = _examples(w, seed, need)
    taken = {c: 0 for c in CATEGORIES}

    def take(cat):
        ex = pool[cat][taken[cat]]
        taken[cat] += 1
        return ex

    def prompt_text(q, ctx, lang):
        return q[lang] + ("\n\n" + ctx[lang] if ctx else "")

    prompts = {}
    for split, cats in (("valid", valid_cats), ("test", test_cats)):
        width = max(3, len(str(len(cats))))
        prompts[split] = [(f"{split}-{i + 1:0{width}d}", cat, take(cat)) for i, cat in enumerate(cats)]
    it_rows = [(cat, take(cat)) for cat in CATEGORIES for _ in range(it_need[cat])]
    Random(f"xlit-demo-it-order:{seed}").shuffle(it_rows)
    it_rows = [(f"demo-{i + 1:06d}", cat, ex) for i, (cat, ex) in enumerate(it_rows)]

    for lang in ("en",) + tuple(l for l in languages if l != "en"):
        write_jsonl(out / "it" / f"dolly.{lang}.jsonl",
                    [{"id": i, "instruction": q[lang], "context": ctx[lang] if ctx else "", "response": r[lang],
                      "category": cat} for i, cat, (q, ctx, r) in it_rows])
    for split, rows in prompts.items():
        for lang in languages:
            write_jsonl(out / "prompts" / split / f"{lang}.jsonl",
                        [{"id": i, "instruction": prompt_text(q, ctx, lang), "category": cat}
                         for i, cat, (q, ctx, _r) in rows])

    for split, rows in prompts.items():
        for lang in languages:
            write_jsonl(out / "answers" / split / f"{lang}.jsonl",
                        [{"id": i, "reference": r[lang], "must": answer_terms(r[lang], prompt_text(q, ctx, lang))}
                         for i, _cat, (q, ctx, r) in rows])
    for lang in languages:
        _write_text(out / "corpus" / f"{lang}.txt", _corpus(w, seed, lang, n_corpus))

    targets = [l for l in languages if l != "en"]
    par_counts = {}
    if targets:
        forbidden = {lang: set() for lang in LANGS}
        for _i, _cat, (q, ctx, r) in it_rows + [x for rows in prompts.values() for x in rows]:
            for unit in (q, ctx, r):
                if unit:
                    for lang in LANGS:
                        forbidden[lang].update(_segments(unit[lang]))
                        forbidden[lang].update(s.strip() for s in unit[lang].split("\n"))
        pool_units = _parallel_pool(w, seed, forbidden, n_parallel + n_parallel_test)
        test_units = pool_units[:n_parallel_test]
        train_units = pool_units[n_parallel_test:n_parallel_test + n_parallel]
        for lang in targets:
            write_jsonl(out / "parallel" / f"{lang}.test.jsonl", [{"en": u["en"], "tgt": u[lang]} for u in test_units])
            write_jsonl(out / "parallel" / f"{lang}.train.jsonl", [{"en": u["en"],
                                                                    "tgt": u[lang]} for u in train_units])
            par_counts[lang] = {"train": len(train_units), "test": len(test_units)}

    return {
        "seed": seed,
        "languages": list(languages),
        "corpus": {lang: n_corpus for lang in languages},
        "it": len(it_rows),
        "it_categories": {c: it_need[c] for c in CATEGORIES},
        "prompts": {split: len(rows) for split, rows in prompts.items()},
        "prompt_categories": {split: {c: sum(1 for _i, cat, _e in rows if cat == c) for c in CATEGORIES}
                              for split, rows in prompts.items()},
        "parallel": par_counts,
        "facts": len(w.facts),
    }
