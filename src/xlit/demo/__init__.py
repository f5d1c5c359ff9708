"""The demo: everything the tiny default config needs, generated or trained here from a seed. Demo only:
nothing on the paper-scale path imports this package.

A small shared fact base (real cities, countries and rivers; seeded fictional people, prices,
events, journeys and today's weather) is rendered by hand-written templates into English, French,
Portuguese and Russian, so that the four languages are aligned and every answer is correct with
respect to the fact base. No external data: word lists and inflection forms are written here
(Brazilian Portuguese spelling; Russian cases stored or derived by simple rules).

    grammar     Units (one text per language), templates, articles, cases, numbers, dates, lists
    geography   languages, countries, rivers, cities (with their inflected forms), capitals, weather kinds
    animals     animals (with their inflected forms), their classes, legs, habitats, diets and diet groups
    lexicon     the names, professions, hobbies, products and event kinds people and events use
    world       World(seed): the seeded fact base (people, prices, events, journeys, weather); misc_qa
    facts       World's single facts and the questions that ask for them (a mixin)
    passages    World's passages and one-sentence summaries (a mixin)
    tasks_qa    IT example generators without a context: open_qa, general_qa, classification
    tasks_text  IT example generators about a context: closed_qa, information_extraction, summarization
    tasks_write IT example generators: brainstorming, creative_writing
    write       write_demo_world, answer_terms
    tokenizer   the byte-level BPE tokenizers of the tiny models (one trainer, two wrappings)
    tiny_lm     build_tiny_base: the tiny Llama base models
    tiny_mt     build_translator: the tiny Marian translator

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

from .grammar import LANGS
from .tiny_lm import build_llama, build_tiny_base
from .tiny_mt import build_translator
from .tokenizer import lm_tokenizer, mt_tokenizer
from .world import World
from .write import CATEGORIES, answer_terms, write_demo_world

__all__ = [
    "CATEGORIES",
    "LANGS",
    "World",
    "answer_terms",
    "build_llama",
    "build_tiny_base",
    "build_translator",
    "lm_tokenizer",
    "mt_tokenizer",
    "write_demo_world",
]
