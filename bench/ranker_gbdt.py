"""Gradient-boosted trees (LightGBM, binary log loss) over the next-basket ranker's own feature rows.

Usage: ranker_gbdt.py DIR. DIR holds meta.json ({"features", "train_rows", "candidate_rows", "seed"}),
train.x / candidates.x (float32, row-major) and train.y (uint8); writes candidates.score (float32).
Parameters are LightGBM's usual ones for a tabular set this size, not tuned on any test period.
"""

import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

folder = Path(sys.argv[1])
meta = json.loads((folder / "meta.json").read_text())
width = len(meta["features"])
x = np.fromfile(folder / "train.x", dtype=np.float32).reshape(meta["train_rows"], width)
y = np.fromfile(folder / "train.y", dtype=np.uint8)
candidates = np.fromfile(folder / "candidates.x", dtype=np.float32).reshape(meta["candidate_rows"], width)
started = time.time()
params = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "num_threads": 2,
    "verbose": -1,
    "seed": meta["seed"],
}
model = lgb.train(params, lgb.Dataset(x, y, feature_name=meta["features"]), num_boost_round=300)
model.predict(candidates).astype(np.float32).tofile(folder / "candidates.score")
print(json.dumps({"seconds": round(time.time() - started, 1)}), file=sys.stderr)
