"""gensim Word2Vec on the same baskets as `npm run bench -- train`, same dimensions, epochs,
negatives, subsampling and workers: the reference time for item2vec.

stdin:  {"baskets": [[items], ...], "dimensions": 48, "epochs": 5, "negatives": 5, "sample": 0.01,
         "min_count": 5, "workers": 2, "seed": 42}
stdout: {"train_seconds": s, "pairs_window": w, "words": n}
"""
import json
import sys
import time

from gensim.models import Word2Vec


def main():
    task = json.load(sys.stdin)
    sentences = [b for b in task["baskets"] if len(b) >= 2]
    # Every other item of a basket is context, as in the project's item2vec.
    window = max(len(b) for b in sentences)
    started = time.time()
    Word2Vec(
        sentences,
        vector_size=task["dimensions"],
        window=window,
        min_count=task["min_count"],
        sg=1,
        negative=task["negatives"],
        sample=task["sample"],
        epochs=task["epochs"],
        workers=task["workers"],
        seed=task["seed"],
    )
    seconds = time.time() - started
    json.dump({"train_seconds": seconds, "window": window, "sentences": len(sentences)}, sys.stdout)


if __name__ == "__main__":
    main()
