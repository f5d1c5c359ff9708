"""The demo world's vocabulary for people and events: the names, professions, hobbies, products and event kinds
from which `World` draws its seeded people and events; each entity kind with its inflected forms (`Ent.forms`); an
`Event` and a `Trip` (a journey) as `World` draws them."""

from __future__ import annotations

from dataclasses import dataclass

from .grammar import (
    Ent,
    T,
    en_a,
    en_poss,
    fr_de,
    fr_def,
    fr_du,
    fr_indef,
    fr_to,
    pt_def,
    pt_do,
    pt_indef,
    pt_to,
    ru_first_cases,
    ru_last_cases,
)

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
    ("librarian", "bibliothécaire", "bibliothécaire", "bibliotecário", "bibliotecária", "библиотекарь", "библиотекарь"),
    ("programmer", "programmeur", "programmeuse", "programador", "programadora", "программист", "программистка"),
    ("veterinarian", "vétérinaire", "vétérinaire", "veterinário", "veterinária", "ветеринар", "ветеринар"),
]
# Hobbies: (3rd person present, gerund/infinitive) per language
HOBBIES = [
    T(
        ("plays chess", "playing chess"),
        ("joue aux échecs", "jouer aux échecs"),
        ("joga xadrez", "jogar xadrez"),
        ("играет в шахматы", "играть в шахматы"),
    ),
    T(
        ("plays tennis", "playing tennis"),
        ("joue au tennis", "jouer au tennis"),
        ("joga tênis", "jogar tênis"),
        ("играет в теннис", "играть в теннис"),
    ),
    T(
        ("reads novels", "reading novels"),
        ("lit des romans", "lire des romans"),
        ("lê romances", "ler romances"),
        ("читает романы", "читать романы"),
    ),
    T(
        ("grows tomatoes", "growing tomatoes"),
        ("cultive des tomates", "cultiver des tomates"),
        ("cultiva tomates", "cultivar tomates"),
        ("выращивает помидоры", "выращивать помидоры"),
    ),
    T(
        ("paints landscapes", "painting landscapes"),
        ("peint des paysages", "peindre des paysages"),
        ("pinta paisagens", "pintar paisagens"),
        ("рисует пейзажи", "рисовать пейзажи"),
    ),
    T(
        ("runs in the park", "running in the park"),
        ("court dans le parc", "courir dans le parc"),
        ("corre no parque", "correr no parque"),
        ("бегает в парке", "бегать в парке"),
    ),
    T(
        ("sings in a choir", "singing in a choir"),
        ("chante dans une chorale", "chanter dans une chorale"),
        ("canta em um coral", "cantar em um coral"),
        ("поёт в хоре", "петь в хоре"),
    ),
    T(
        ("collects stamps", "collecting stamps"),
        ("collectionne les timbres", "collectionner les timbres"),
        ("coleciona selos", "colecionar selos"),
        ("собирает марки", "собирать марки"),
    ),
    T(
        ("bakes bread", "baking bread"),
        ("fait son propre pain", "faire son propre pain"),
        ("faz pão em casa", "fazer pão em casa"),
        ("печёт хлеб", "печь хлеб"),
    ),
    T(
        ("plays the guitar", "playing the guitar"),
        ("joue de la guitare", "jouer de la guitare"),
        ("toca violão", "tocar violão"),
        ("играет на гитаре", "играть на гитаре"),
    ),
    T(
        ("takes photos of birds", "taking photos of birds"),
        ("photographie les oiseaux", "photographier les oiseaux"),
        ("fotografa pássaros", "fotografar pássaros"),
        ("фотографирует птиц", "фотографировать птиц"),
    ),
    T(
        ("goes hiking in the mountains", "hiking in the mountains"),
        ("fait de la randonnée en montagne", "faire de la randonnée en montagne"),
        ("faz trilhas nas montanhas", "fazer trilhas nas montanhas"),
        ("ходит в походы", "ходить в походы"),
    ),
    T(
        ("learns Japanese", "learning Japanese"),
        ("apprend le japonais", "apprendre le japonais"),
        ("estuda japonês", "estudar japonês"),
        ("учит японский язык", "учить японский язык"),
    ),
]
FIRST_NAMES = [  # latin, gender, ru
    ("Anna", "f", "Анна"),
    ("Maria", "f", "Мария"),
    ("Sofia", "f", "София"),
    ("Laura", "f", "Лаура"),
    ("Clara", "f", "Клара"),
    ("Elena", "f", "Елена"),
    ("Julia", "f", "Юлия"),
    ("Eva", "f", "Ева"),
    ("Nina", "f", "Нина"),
    ("Irina", "f", "Ирина"),
    ("Olga", "f", "Ольга"),
    ("Lucia", "f", "Лючия"),
    ("Lucas", "m", "Лукас"),
    ("Daniel", "m", "Даниэль"),
    ("Marco", "m", "Марко"),
    ("Victor", "m", "Виктор"),
    ("Felix", "m", "Феликс"),
    ("Leon", "m", "Леон"),
    ("Pedro", "m", "Педро"),
    ("Ivan", "m", "Иван"),
    ("Adam", "m", "Адам"),
    ("Oscar", "m", "Оскар"),
    ("Tomas", "m", "Томас"),
    ("Boris", "m", "Борис"),
]
LAST_NAMES = [  # latin m, latin f, ru m, ru f
    ("Petrov", "Petrova", "Петров", "Петрова"),
    ("Sokolov", "Sokolova", "Соколов", "Соколова"),
    ("Ivanov", "Ivanova", "Иванов", "Иванова"),
    ("Kowalski", "Kowalska", "Ковальский", "Ковальская"),
    ("Weber", "Weber", "Вебер", "Вебер"),
    ("Novak", "Novak", "Новак", "Новак"),
    ("Bernard", "Bernard", "Бернар", "Бернар"),
    ("Lindqvist", "Lindqvist", "Линдквист", "Линдквист"),
    ("Fischer", "Fischer", "Фишер", "Фишер"),
    ("Martins", "Martins", "Мартинс", "Мартинс"),
    ("Santos", "Santos", "Сантос", "Сантос"),
    ("Mendes", "Mendes", "Мендес", "Мендес"),
    ("Moreau", "Moreau", "Моро", "Моро"),
    ("Dubois", "Dubois", "Дюбуа", "Дюбуа"),
    ("Rossi", "Rossi", "Росси", "Росси"),
    ("Laurent", "Laurent", "Лоран", "Лоран"),
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
            return {
                "": self.name,
                "first": self.first,
                "he": "she" if f else "he",
                "his": "her" if f else "his",
                "prof": self.prof[0],
                "a_prof": en_a(self.prof[0]),
                "poss": en_poss(self.name),
                "hobby": hob,
                "hobby_inf": hob_inf,
            }
        if lang == "fr":
            return {
                "": self.name,
                "first": self.first,
                "he": "elle" if f else "il",
                "prof": self.prof[2 if f else 1],
                "born": "est née" if f else "est né",
                "born_pp": "née" if f else "né",
                "de": fr_de(self.name),
                "hobby": hob,
                "hobby_inf": hob_inf,
            }
        if lang == "pt":
            return {
                "": self.name,
                "first": self.first,
                "he": "ela" if f else "ele",
                "prof": self.prof[4 if f else 3],
                "born_adj": "nascida" if f else "nascido",
                "hobby": hob,
                "hobby_inf": hob_inf,
            }
        fg, fa = ru_first_cases(self.ru_first, self.g)
        lg, la = ru_last_cases(self.ru_last, self.g)
        return {
            "": f"{self.ru_first} {self.ru_last}",
            "first": self.ru_first,
            "gen": f"{fg} {lg}",
            "acc": f"{fa} {la}",
            "he": "она" if f else "он",
            "prof": self.prof[6 if f else 5],
            "born": "родилась" if f else "родился",
            "bought": "купила" if f else "купил",
            "paid": "заплатила" if f else "заплатил",
            "decided": "решила" if f else "решил",
            "smiled": "улыбнулась" if f else "улыбнулся",
            "born_part": "родившаяся" if f else "родившийся",
            "which": "которая" if f else "который",
            "who": "такая" if f else "такой",
            "hobby": hob,
            "hobby_inf": hob_inf,
        }


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
            return {
                "": fr_def(self.fr, self.fr_g),
                "bare": self.fr,
                "a": fr_indef(self.fr, self.fr_g),
                "de": fr_du(self.fr, self.fr_g),
            }
        if lang == "pt":
            return {
                "": pt_def(self.pt, self.pt_g),
                "bare": self.pt,
                "a": pt_indef(self.pt, self.pt_g),
                "de": pt_do(self.pt, self.pt_g),
            }
        return {"": self.ru, "bare": self.ru, "acc": self.ru_acc, "costs": "стоят" if self.ru_pl else "стоит"}


PRODUCTS = [
    Product(*row)
    for row in [
        ("bicycle", "bicycle", "vélo", "m", "bicicleta", "f", "велосипед", "велосипед", False, 150, 600),
        (
            "laptop",
            "laptop",
            "ordinateur portable",
            "m",
            "computador portátil",
            "m",
            "ноутбук",
            "ноутбук",
            False,
            400,
            1500,
        ),
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
        (
            "coffee_machine",
            "coffee machine",
            "machine à café",
            "f",
            "cafeteira",
            "f",
            "кофеварка",
            "кофеварку",
            False,
            40,
            300,
        ),
        ("kettle", "kettle", "bouilloire", "f", "chaleira", "f", "электрочайник", "электрочайник", False, 15, 60),
        ("scarf", "scarf", "écharpe", "f", "cachecol", "m", "шарф", "шарф", False, 10, 60),
    ]
]


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
            return {
                "": fr_def(self.fr, self.fr_g),
                "bare": self.fr,
                "to": fr_to(self.fr, self.fr_g),
                "organized": "organisé" if self.fr_g == "m" else "organisée",
            }
        if lang == "pt":
            return {
                "": pt_def(self.pt, self.pt_g),
                "bare": self.pt,
                "to": pt_to(self.pt, self.pt_g),
                "organized": "organizado" if self.pt_g == "m" else "organizada",
            }
        # a masculine inanimate noun has acc == nom; the feminine ones here do not
        return {"": self.ru, "acc": self.ru_acc, "which": "который" if self.ru_acc == self.ru else "которую"}


EVENT_TYPES = [
    EventType(*row)
    for row in [
        ("concert", "concert", "m", "concerto", "m", "концерт", "концерт"),
        (
            "art exhibition",
            "exposition de peinture",
            "f",
            "exposição de arte",
            "f",
            "художественная выставка",
            "художественную выставку",
        ),
        (
            "music festival",
            "festival de musique",
            "m",
            "festival de música",
            "m",
            "музыкальный фестиваль",
            "музыкальный фестиваль",
        ),
        (
            "science conference",
            "conférence scientifique",
            "f",
            "conferência científica",
            "f",
            "научная конференция",
            "научную конференцию",
        ),
        ("marathon", "marathon", "m", "maratona", "f", "марафон", "марафон"),
        ("book fair", "salon du livre", "m", "feira do livro", "f", "книжная ярмарка", "книжную ярмарку"),
        ("jazz festival", "festival de jazz", "m", "festival de jazz", "m", "джазовый фестиваль", "джазовый фестиваль"),
        ("film festival", "festival du film", "m", "festival de cinema", "m", "кинофестиваль", "кинофестиваль"),
        (
            "food fair",
            "foire gastronomique",
            "f",
            "feira gastronômica",
            "f",
            "гастрономическая ярмарка",
            "гастрономическую ярмарку",
        ),
    ]
]


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
