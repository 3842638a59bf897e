"""Reference recommenders for `eval recs`: implicit (ALS, BPR) and gensim Word2Vec on the same
baskets. Reads the tasks as JSON on stdin, writes each library's rankings as JSON on stdout.

stdin:  {"train": [[user or null, [items]], ...], "users": [...], "carts": [[items], ...],
         "k_next": 20, "k_completion": 10, "seed": 42}
stdout: {"als": {"users": {user: [items]}, "carts": [[items]], "train_seconds": s}, "bpr": ..., "word2vec": ...}
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
from gensim.models import Word2Vec
from implicit.als import AlternatingLeastSquares
from implicit.bpr import BayesianPersonalizedRanking


def log(msg):
    print(f"[baselines] {msg}", file=sys.stderr, flush=True)


def main():
    task = json.load(sys.stdin)
    seed, k_next, k_cart = task["seed"], task["k_next"], task["k_completion"]
    baskets = task["train"]
    items = sorted({i for _, b in baskets for i in b})
    item_ix = {i: n for n, i in enumerate(items)}
    users = sorted({u for u, _ in baskets if u is not None})
    user_ix = {u: n for n, u in enumerate(users)}
    rows, cols = [], []
    for u, b in baskets:
        if u is None:
            continue
        for i in b:
            rows.append(user_ix[u])
            cols.append(item_ix[i])
    # Repeat purchases add up: the confidence of a (customer, item) pair is how often it was bought.
    ui = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(users), len(items)))
    ui.sum_duplicates()
    out = {}

    for name, factory in (
        ("als", lambda: AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, random_state=seed)),
        ("bpr", lambda: BayesianPersonalizedRanking(factors=64, iterations=100, random_state=seed)),
    ):
        started = time.time()
        model = factory()
        model.fit(ui, show_progress=False)
        seconds = time.time() - started
        log(f"{name} trained in {seconds:.1f}s")
        ranked_users = {}
        for u in task["users"]:
            if u not in user_ix:
                continue
            ids, _ = model.recommend(user_ix[u], ui[user_ix[u]], N=k_next, filter_already_liked_items=False)
            ranked_users[u] = [items[i] for i in ids]
        # A cart is a new customer: score items by similarity to the cart's factors.
        item_factors = np.asarray(model.item_factors.to_numpy() if hasattr(model.item_factors, "to_numpy") else model.item_factors)
        carts = []
        for cart in task["carts"]:
            known = [item_ix[i] for i in cart if i in item_ix]
            if not known:
                carts.append([])
                continue
            scores = item_factors @ item_factors[known].sum(axis=0)
            scores[known] = -np.inf
            top = np.argpartition(-scores, k_cart)[:k_cart]
            carts.append([items[i] for i in top[np.argsort(-scores[top])]])
        out[name] = {"users": ranked_users, "carts": carts, "train_seconds": seconds}

    started = time.time()
    sentences = [b for _, b in baskets if len(b) >= 2]
    window = max(len(b) for b in sentences)
    w2v = Word2Vec(sentences, vector_size=48, window=window, min_count=1, sg=1, negative=5, sample=1e-3, epochs=5, workers=1, seed=seed)
    seconds = time.time() - started
    log(f"word2vec trained in {seconds:.1f}s")
    history = {}
    for u, b in baskets:
        if u is not None:
            history.setdefault(u, []).extend(b)

    def similar_to(positive, k, exclude):
        positive = [i for i in positive if i in w2v.wv.key_to_index]
        if not positive:
            return []
        found = w2v.wv.most_similar(positive=positive, topn=k + len(exclude))
        return [i for i, _ in found if i not in exclude][:k]

    out["word2vec"] = {
        "users": {u: similar_to(history.get(u, []), k_next, set()) for u in task["users"]},
        "carts": [similar_to(cart, k_cart, set(cart)) for cart in task["carts"]],
        "train_seconds": seconds,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
