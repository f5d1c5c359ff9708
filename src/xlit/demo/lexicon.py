"""The demo world's other vocabulary: animals (real), and the names, professions, hobbies, products and event kinds
from which `World` draws its seeded people and events; each entity kind with its inflected forms (`Ent.forms`)."""
from __future__ import annotations

from dataclasses import dataclass

from .grammar import (Ent, T, Unit, en_a, en_poss, fr_de, fr_def, fr_du, fr_indef, fr_to, pt_def, pt_do, pt_indef,
                      pt_to, ru_first_cases, ru_last_cases)


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
    "omni": T("both plants and meat", "de plantes et de viande", "de plantas e de carne",
              "и растениями, и мясом"),
    "fish": T("fish", "de poissons", "de peixes", "рыбой"),
    "insects": T("insects", "d'insectes", "de insetos", "насекомыми"),
    "nectar": T("nectar", "de nectar", "de néctar", "нектаром"),
    "plankton": T("plankton", "de plancton", "de plâncton", "планктоном"),
}
DIET_GROUP = {"meat": "carnivore", "fish": "carnivore", "insects": "carnivore", "plants": "herbivore",
               "omni": "omnivore"}
_DIET_LABEL = {"carnivore": T("a carnivore", "carnivore", "carnívor", "хищник"),
               "herbivore": T("a herbivore", "herbivore", "herbívor", "травоядное животное"),
               "omnivore": T("an omnivore", "omnivore", "onívor", "всеядное животное")}


def diet_label(group: str, pt_g: str) -> Unit:
    lab = dict(_DIET_LABEL[group])
    lab["pt"] += "o" if pt_g == "m" else "a"
    return lab

ANIMALS = [Animal(*row) for row in [
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


# Professions: en, fr m, fr f, pt m, pt f, ru m, ru f
PROFESSIONS = [
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
HOBBIES = [
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
FIRST_NAMES = [  # latin, gender, ru
    ("Anna", "f", "Анна"), ("Maria", "f", "Мария"), ("Sofia", "f", "София"), ("Laura", "f", "Лаура"),
    ("Clara", "f", "Клара"), ("Elena", "f", "Елена"), ("Julia", "f", "Юлия"), ("Eva", "f", "Ева"),
    ("Nina", "f", "Нина"), ("Irina", "f", "Ирина"), ("Olga", "f", "Ольга"), ("Lucia", "f", "Лючия"),
    ("Lucas", "m", "Лукас"), ("Daniel", "m", "Даниэль"), ("Marco", "m", "Марко"), ("Victor", "m", "Виктор"),
    ("Felix", "m", "Феликс"), ("Leon", "m", "Леон"), ("Pedro", "m", "Педро"), ("Ivan", "m", "Иван"),
    ("Adam", "m", "Адам"), ("Oscar", "m", "Оскар"), ("Tomas", "m", "Томас"), ("Boris", "m", "Борис"),
]
LAST_NAMES = [  # latin m, latin f, ru m, ru f
    ("Petrov", "Petrova", "Петров", "Петрова"), ("Sokolov", "Sokolova", "Соколов", "Соколова"),
    ("Ivanov", "Ivanova", "Иванов", "Иванова"), ("Kowalski", "Kowalska", "Ковальский", "Ковальская"),
    ("Weber", "Weber", "Вебер", "Вебер"), ("Novak", "Novak", "Новак", "Новак"),
    ("Bernard", "Bernard", "Бернар", "Бернар"), ("Lindqvist", "Lindqvist", "Линдквист", "Линдквист"),
    ("Fischer", "Fischer", "Фишер", "Фишер"), ("Martins", "Martins", "Мартинс", "Мартинс"),
    ("Santos", "Santos", "Сантос", "Сантос"), ("Mendes", "Mendes", "Мендес", "Мендес"),
    ("Moreau", "Moreau", "Моро", "Моро"), ("Dubois", "Dubois", "Дюбуа", "Дюбуа"),
    ("Rossi", "Rossi", "Росси", "Росси"), ("Laurent", "Laurent", "Лоран", "Лоран"),
]


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
        fg, fa = ru_first_cases(self.ru_first, self.g)
        lg, la = ru_last_cases(self.ru_last, self.g)
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


PRODUCTS = [Product(*row) for row in [
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


EVENT_TYPES = [EventType(*row) for row in [
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
