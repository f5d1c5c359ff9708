"""The demo world's geography: languages, countries, rivers and cities (real ones, each with its inflected forms
per language, `Ent.forms`), capitals, and the kinds of weather a city may have today."""

from __future__ import annotations

from dataclasses import dataclass

from .grammar import Ent, T, fr_de, fr_elides, pt_def, ru_place, ru_v


@dataclass(frozen=True)
class Language(Ent):
    en: str
    fr: str
    pt: str
    ru: str  # adverb: по-французски

    def forms(self, lang):
        return {"": getattr(self, lang)}


LANGUAGES = {
    k: Language(*v)
    for k, v in {
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
    }.items()
}


@dataclass(frozen=True)
class Country(Ent):
    key: str
    en: str
    fr: str
    fr_g: str  # m / f
    pt: str
    pt_g: str  # m / f / 0 (no article)
    ru: str
    ru_gen: str
    ru_prep: str
    langs: tuple

    def forms(self, lang):
        if lang == "en":
            return {"": self.en, "in": "in " + self.en, "de": "of " + self.en, "bare": self.en.removeprefix("the ")}
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
            return {
                "": pt_def(b, g),
                "in": ("no " if g == "m" else "na ") + b,
                "de": ("do " if g == "m" else "da ") + b,
                "bare": b,
            }
        return {"": self.ru, "gen": self.ru_gen, "in": ru_v(self.ru_prep), "bare": self.ru}


@dataclass(frozen=True)
class River(Ent):
    key: str
    en: str
    fr: str  # with article
    pt: str  # bare, used as 'o rio X'
    ru: str
    ru_gen: str
    ru_on: str

    def forms(self, lang):
        if lang == "en":
            return {"": self.en}
        if lang == "fr":
            along = "du " + self.fr[3:] if self.fr.startswith("le ") else "de " + self.fr
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


COUNTRIES = [
    Country(*row)
    for row in [
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
        (
            "uk",
            "the United Kingdom",
            "Royaume-Uni",
            "m",
            "Reino Unido",
            "m",
            "Великобритания",
            "Великобритании",
            "Великобритании",
            ("en",),
        ),
        ("ie", "Ireland", "Irlande", "f", "Irlanda", "f", "Ирландия", "Ирландии", "Ирландии", ("en", "ga")),
        ("br", "Brazil", "Brésil", "m", "Brasil", "m", "Бразилия", "Бразилии", "Бразилии", ("pt",)),
        ("ca", "Canada", "Canada", "m", "Canadá", "m", "Канада", "Канады", "Канаде", ("en", "fr")),
        ("jp", "Japan", "Japon", "m", "Japão", "m", "Япония", "Японии", "Японии", ("ja",)),
        ("gr", "Greece", "Grèce", "f", "Grécia", "f", "Греция", "Греции", "Греции", ("el",)),
        ("hu", "Hungary", "Hongrie", "f", "Hungria", "f", "Венгрия", "Венгрии", "Венгрии", ("hu",)),
        ("no", "Norway", "Norvège", "f", "Noruega", "f", "Норвегия", "Норвегии", "Норвегии", ("no",)),
        ("se", "Sweden", "Suède", "f", "Suécia", "f", "Швеция", "Швеции", "Швеции", ("sv",)),
    ]
]

RIVERS = [
    River(*row)
    for row in [
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
        ("manzanares", "the Manzanares", "le Manzanares", "Manzanares", "Мансанарес", "Мансанареса", "на Мансанаресе"),
        (
            "guadalquivir",
            "the Guadalquivir",
            "le Guadalquivir",
            "Guadalquivir",
            "Гвадалквивир",
            "Гвадалквивира",
            "на Гвадалквивире",
        ),
        ("arno", "the Arno", "l'Arno", "Arno", "Арно", "Арно", "на Арно"),
        ("elbe", "the Elbe", "l'Elbe", "Elba", "Эльба", "Эльбы", "на Эльбе"),
        ("isar", "the Isar", "l'Isar", "Isar", "Изар", "Изара", "на Изаре"),
        ("mondego", "the Mondego", "le Mondego", "Mondego", "Мондегу", "Мондегу", "на Мондегу"),
        ("liffey", "the Liffey", "la Liffey", "Liffey", "Лиффи", "Лиффи", "на Лиффи"),
        (
            "stlawrence",
            "the St. Lawrence",
            "le Saint-Laurent",
            "São Lourenço",
            "река Святого Лаврентия",
            "реки Святого Лаврентия",
            "на реке Святого Лаврентия",
        ),
        ("sumida", "the Sumida", "la Sumida", "Sumida", "Сумида", "Сумиды", "на Сумиде"),
        ("yodo", "the Yodo", "le Yodo", "Yodo", "Ёдо", "Ёдо", "на Ёдо"),
        ("tiete", "the Tietê", "le Tietê", "Tietê", "Тиете", "Тиете", "на Тиете"),
    ]
]

CITIES = [
    City(key, en, fr, pt, ru_place(*ru), country, river, pop)
    for key, en, fr, pt, ru, country, river, pop in [
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
        (
            "petersburg",
            "Saint Petersburg",
            "Saint-Pétersbourg",
            "São Petersburgo",
            ("Санкт-Петербург",),
            "ru",
            "neva",
            5_600_000,
        ),
        ("kazan", "Kazan", "Kazan", "Cazã", ("Казань", "Казани", "Казани", "Казань"), "ru", "volga", 1_300_000),
        ("london", "London", "Londres", "Londres", ("Лондон",), "uk", "thames", 8_900_000),
        ("edinburgh", "Edinburgh", "Édimbourg", "Edimburgo", ("Эдинбург",), "uk", None, 520_000),
        ("dublin", "Dublin", "Dublin", "Dublin", ("Дублин",), "ie", "liffey", 590_000),
        ("saopaulo", "São Paulo", "São Paulo", "São Paulo", ("Сан-Паулу",), "br", "tiete", 12_300_000),
        (
            "brasilia",
            "Brasília",
            "Brasília",
            "Brasília",
            ("Бразилиа", "Бразилиа", "Бразилиа", "Бразилиа"),
            "br",
            None,
            2_800_000,
        ),
        ("montreal", "Montreal", "Montréal", "Montreal", ("Монреаль",), "ca", "stlawrence", 1_800_000),
        ("ottawa", "Ottawa", "Ottawa", "Ottawa", ("Оттава",), "ca", None, 1_000_000),
        ("tokyo", "Tokyo", "Tokyo", "Tóquio", ("Токио",), "jp", "sumida", 14_000_000),
        ("osaka", "Osaka", "Osaka", "Osaka", ("Осака",), "jp", "yodo", 2_700_000),
        ("athens", "Athens", "Athènes", "Atenas", ("Афины", "Афин", "Афинах", "Афины"), "gr", None, 640_000),
        ("budapest", "Budapest", "Budapest", "Budapeste", ("Будапешт",), "hu", "danube", 1_700_000),
        ("oslo", "Oslo", "Oslo", "Oslo", ("Осло",), "no", None, 700_000),
        ("stockholm", "Stockholm", "Stockholm", "Estocolmo", ("Стокгольм",), "se", None, 980_000),
    ]
]
CAPITALS = {
    "fr": "paris",
    "pt": "lisbon",
    "es": "madrid",
    "it": "rome",
    "de": "berlin",
    "at": "vienna",
    "cz": "prague",
    "pl": "warsaw",
    "ru": "moscow",
    "uk": "london",
    "ie": "dublin",
    "br": "brasilia",
    "ca": "ottawa",
    "jp": "tokyo",
    "gr": "athens",
    "hu": "budapest",
    "no": "oslo",
    "se": "stockholm",
}

WEATHER = {  # key: (clause, weight, temperature range)
    "sunny": (T("it is sunny", "il fait beau", "faz sol", "солнечно"), 3, (12, 33)),
    "cloudy": (T("it is cloudy", "le ciel est nuageux", "está nublado", "облачно"), 3, (5, 22)),
    "rain": (T("it is raining", "il pleut", "está chovendo", "идёт дождь"), 2, (4, 18)),
    "windy": (T("it is windy", "il y a du vent", "está ventando", "ветрено"), 1, (3, 20)),
    "snow": (T("it is snowing", "il neige", "está nevando", "идёт снег"), 1, (-10, 0)),
}

SNOWY = ("ru", "no", "se", "ca", "pl", "cz", "at", "de", "hu")  # countries where it may snow today
