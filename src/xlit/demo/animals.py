"""The demo world's animals (real ones, each with its inflected forms per language, `Ent.forms`): their classes,
legs, habitats and diets, and the diet groups (carnivore, herbivore, omnivore) the classification task asks for."""

from __future__ import annotations

from dataclasses import dataclass

from .grammar import Ent, T, Unit, en_a, fr_def, fr_du, fr_indef, pt_def, pt_do, pt_indef


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
        hab, diet = HABITATS[self.habitat][lang], _DIETS[self.diet][lang]
        if lang == "en":
            return {
                "": "the " + self.en,
                "bare": self.en,
                "a": en_a(self.en),
                "cls": cls["en"],
                "cls_a": en_a(cls["en"]),
                "it": "it",
                "hab": hab,
                "diet": diet,
                "legs": f"has {_LEGS[self.legs]['en']}" if self.legs else "has no legs",
            }
        if lang == "fr":
            return {
                "": fr_def(self.fr, self.fr_g),
                "bare": self.fr,
                "a": fr_indef(self.fr, self.fr_g),
                "de": fr_du(self.fr, self.fr_g),
                "cls": cls["fr"][1],
                "cls_a": cls["fr"][0],
                "it": "il" if self.fr_g == "m" else "elle",
                "hab": hab,
                "diet": diet,
                "legs": f"marche sur {_LEGS[self.legs]['fr']}" if self.legs else "n'a pas de pattes",
            }
        if lang == "pt":
            return {
                "": pt_def(self.pt, self.pt_g),
                "bare": self.pt,
                "a": pt_indef(self.pt, self.pt_g),
                "de": pt_do(self.pt, self.pt_g),
                "cls": cls["pt"][1],
                "cls_a": cls["pt"][0],
                "it": "ele" if self.pt_g == "m" else "ela",
                "hab": hab,
                "diet": diet,
                "legs": f"tem {_LEGS[self.legs]['pt']}" if self.legs else "não tem patas",
            }
        return {
            "": self.ru,
            "bare": self.ru,
            "gen": self.ru_gen,
            "cls": cls["ru"],
            "it": "он" if self.ru_g == "m" else "она",
            "it_gen": "него" if self.ru_g == "m" else "неё",
            "which": "который" if self.ru_g == "m" else "которая",
            "hab": hab,
            "diet": diet,
            "legs": _LEGS[self.legs]["ru"] if self.legs else "нет ног",
        }


_CLASSES = {
    "mammal": T("mammal", ("un mammifère", "mammifère"), ("um mamífero", "mamífero"), "млекопитающее"),
    "bird": T("bird", ("un oiseau", "oiseau"), ("uma ave", "ave"), "птица"),
    "fish": T("fish", ("un poisson", "poisson"), ("um peixe", "peixe"), "рыба"),
    "insect": T("insect", ("un insecte", "insecte"), ("um inseto", "inseto"), "насекомое"),
    "reptile": T("reptile", ("un reptile", "reptile"), ("um réptil", "réptil"), "рептилия"),
    "arachnid": T("arachnid", ("un arachnide", "arachnide"), ("um aracnídeo", "aracnídeo"), "паукообразное"),
}
_LEGS = {
    2: T("two legs", "deux pattes", "duas patas", "две лапы"),
    4: T("four legs", "quatre pattes", "quatro patas", "четыре лапы"),
    6: T("six legs", "six pattes", "seis patas", "шесть ног"),
    8: T("eight legs", "huit pattes", "oito patas", "восемь ног"),
}
HABITATS = {
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
    "omni": T("both plants and meat", "de plantes et de viande", "de plantas e de carne", "и растениями, и мясом"),
    "fish": T("fish", "de poissons", "de peixes", "рыбой"),
    "insects": T("insects", "d'insectes", "de insetos", "насекомыми"),
    "nectar": T("nectar", "de nectar", "de néctar", "нектаром"),
    "plankton": T("plankton", "de plancton", "de plâncton", "планктоном"),
}
DIET_GROUP = {
    "meat": "carnivore",
    "fish": "carnivore",
    "insects": "carnivore",
    "plants": "herbivore",
    "omni": "omnivore",
}
_DIET_LABEL = {
    "carnivore": T("a carnivore", "carnivore", "carnívor", "хищник"),
    "herbivore": T("a herbivore", "herbivore", "herbívor", "травоядное животное"),
    "omnivore": T("an omnivore", "omnivore", "onívor", "всеядное животное"),
}


def diet_label(group: str, pt_g: str) -> Unit:
    lab = dict(_DIET_LABEL[group])
    lab["pt"] += "o" if pt_g == "m" else "a"
    return lab


ANIMALS = [
    Animal(*row)
    for row in [
        # key, en, fr, g, pt, g, ru, ru gen, ru g, class, legs, habitat, diet
        ("dog", "dog", "chien", "m", "cachorro", "m", "собака", "собаки", "f", "mammal", 4, "homes", "omni"),
        ("cat", "cat", "chat", "m", "gato", "m", "кошка", "кошки", "f", "mammal", 4, "homes", "meat"),
        ("horse", "horse", "cheval", "m", "cavalo", "m", "лошадь", "лошади", "f", "mammal", 4, "farms", "plants"),
        ("cow", "cow", "vache", "f", "vaca", "f", "корова", "коровы", "f", "mammal", 4, "farms", "plants"),
        ("lion", "lion", "lion", "m", "leão", "m", "лев", "льва", "m", "mammal", 4, "savanna", "meat"),
        (
            "elephant",
            "elephant",
            "éléphant",
            "m",
            "elefante",
            "m",
            "слон",
            "слона",
            "m",
            "mammal",
            4,
            "savanna",
            "plants",
        ),
        ("giraffe", "giraffe", "girafe", "f", "girafa", "f", "жираф", "жирафа", "m", "mammal", 4, "savanna", "plants"),
        ("wolf", "wolf", "loup", "m", "lobo", "m", "волк", "волка", "m", "mammal", 4, "forest", "meat"),
        ("bear", "bear", "ours", "m", "urso", "m", "медведь", "медведя", "m", "mammal", 4, "forest", "omni"),
        ("fox", "fox", "renard", "m", "raposa", "f", "лиса", "лисы", "f", "mammal", 4, "forest", "meat"),
        ("dolphin", "dolphin", "dauphin", "m", "golfinho", "m", "дельфин", "дельфина", "m", "mammal", 0, "sea", "fish"),
        ("whale", "whale", "baleine", "f", "baleia", "f", "кит", "кита", "m", "mammal", 0, "sea", "plankton"),
        (
            "polar_bear",
            "polar bear",
            "ours polaire",
            "m",
            "urso-polar",
            "m",
            "белый медведь",
            "белого медведя",
            "m",
            "mammal",
            4,
            "arctic",
            "meat",
        ),
        ("camel", "camel", "chameau", "m", "camelo", "m", "верблюд", "верблюда", "m", "mammal", 4, "desert", "plants"),
        ("eagle", "eagle", "aigle", "m", "águia", "f", "орёл", "орла", "m", "bird", 2, "mountains", "meat"),
        ("owl", "owl", "chouette", "f", "coruja", "f", "сова", "совы", "f", "bird", 2, "forest", "meat"),
        (
            "penguin",
            "penguin",
            "manchot",
            "m",
            "pinguim",
            "m",
            "пингвин",
            "пингвина",
            "m",
            "bird",
            2,
            "antarctica",
            "fish",
        ),
        ("duck", "duck", "canard", "m", "pato", "m", "утка", "утки", "f", "bird", 2, "rivers", "omni"),
        ("salmon", "salmon", "saumon", "m", "salmão", "m", "лосось", "лосося", "m", "fish", 0, "rivers", "insects"),
        ("shark", "shark", "requin", "m", "tubarão", "m", "акула", "акулы", "f", "fish", 0, "sea", "fish"),
        ("bee", "bee", "abeille", "f", "abelha", "f", "пчела", "пчелы", "f", "insect", 6, "gardens", "nectar"),
        ("ant", "ant", "fourmi", "f", "formiga", "f", "муравей", "муравья", "m", "insect", 6, "forest", "omni"),
        (
            "butterfly",
            "butterfly",
            "papillon",
            "m",
            "borboleta",
            "f",
            "бабочка",
            "бабочки",
            "f",
            "insect",
            6,
            "gardens",
            "nectar",
        ),
        ("spider", "spider", "araignée", "f", "aranha", "f", "паук", "паука", "m", "arachnid", 8, "gardens", "insects"),
        ("snake", "snake", "serpent", "m", "cobra", "f", "змея", "змеи", "f", "reptile", 0, "desert", "meat"),
        (
            "crocodile",
            "crocodile",
            "crocodile",
            "m",
            "crocodilo",
            "m",
            "крокодил",
            "крокодила",
            "m",
            "reptile",
            4,
            "rivers",
            "meat",
        ),
        (
            "turtle",
            "turtle",
            "tortue",
            "f",
            "tartaruga",
            "f",
            "черепаха",
            "черепахи",
            "f",
            "reptile",
            4,
            "sea",
            "plants",
        ),
    ]
]
