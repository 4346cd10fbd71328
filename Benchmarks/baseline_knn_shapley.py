"""Exact KNN-Shapley baselines for Benchmarks/knn-shapley.sh.

    python baseline_knn_shapley.py numpy TRAIN.npy TRAIN_LABELS.npy VALID.npy VALID_LABELS.npy K OUT.npy
    python baseline_knn_shapley.py pydvl TRAIN.npy TRAIN_LABELS.npy VALID.npy VALID_LABELS.npy K OUT.npy
    python baseline_knn_shapley.py make  DIR   # writes the seeded benchmark data
    python baseline_knn_shapley.py compare A.npy B.npy|values.csv   # max |a - b|

numpy: vectorised, in blocks of 256 validation rows: float64 distances through one BLAS product
(|q|^2 + |r|^2 - 2 q.r), a stable argsort per row (ties by training index, as easeml-ci), the
recursion s_i = s_{i+1} + (m_i - m_{i+1}) / max(K, i) as a reversed cumulative sum, and the
values scattered back to training order with put_along_axis.

pydvl: pydvl.valuation.KNNShapleyValuation (pyDVL 0.10) around a scikit-learn
KNeighborsClassifier(n_neighbors=K), fitted inside joblib.parallel_config(n_jobs=2).
"""
import sys

import numpy as np


def make(folder):
    rng = np.random.default_rng(2019)
    d, classes = 512, 10
    centres = rng.standard_normal((classes, d)).astype(np.float32) * 0.35
    for name, n in (("train", 10_000), ("valid", 1_000)):
        y = rng.integers(0, classes, n)
        x = (centres[y] + rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)
        np.save(f"{folder}/{name}.npy", x)
        np.save(f"{folder}/{name}_labels.npy", y.astype(np.int64))


def numpy_values(x_train, y_train, x_valid, y_valid, k, block=256):
    x_train = x_train.astype(np.float64)
    x_valid = x_valid.astype(np.float64)
    n = len(x_train)
    train_norms = np.einsum("ij,ij->i", x_train, x_train)
    reciprocals = 1.0 / np.maximum(k, np.arange(1, n))  # 1 / max(K, i) for i = 1 .. N-1
    total = np.zeros(n)
    for start in range(0, len(x_valid), block):
        q = x_valid[start:start + block]
        distances = train_norms[None, :] + np.einsum("ij,ij->i", q, q)[:, None] - 2.0 * (q @ x_train.T)
        order = np.argsort(distances, axis=1, kind="stable")
        matches = (y_train[order] == y_valid[start:start + block, None]).astype(np.float64)
        steps = (matches[:, :-1] - matches[:, 1:]) * reciprocals
        by_rank = np.empty_like(matches)
        by_rank[:, -1] = matches[:, -1] / max(n, k)
        by_rank[:, :-1] = by_rank[:, -1:] + np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]
        by_index = np.empty_like(by_rank)
        np.put_along_axis(by_index, order, by_rank, axis=1)
        total += by_index.sum(axis=0)
    return total / len(x_valid)


def pydvl_values(x_train, y_train, x_valid, y_valid, k):
    from joblib import parallel_config
    from pydvl.valuation import Dataset, KNNShapleyValuation
    from sklearn.neighbors import KNeighborsClassifier

    valuation = KNNShapleyValuation(
        KNeighborsClassifier(n_neighbors=k), test_data=Dataset(x_valid, y_valid), progress=False)
    with parallel_config(n_jobs=2):
        valuation.fit(Dataset(x_train, y_train))
    result = valuation.result
    values = np.empty(len(x_train))
    values[np.asarray(result.indices, dtype=np.int64)] = result.values
    return values


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    # easeml-ci value --format csv: rank,index,label,value,flagged
    table = np.genfromtxt(path, delimiter=",", skip_header=1, usecols=(1, 3))
    values = np.empty(len(table))
    values[table[:, 0].astype(np.int64)] = table[:, 1]
    return values


def main():
    mode = sys.argv[1]
    if mode == "make":
        make(sys.argv[2])
        return
    if mode == "compare":
        a, b = load(sys.argv[2]), load(sys.argv[3])
        print(f"{np.max(np.abs(a - b)):.3g}")
        return
    x_train, y_train, x_valid, y_valid = (np.load(p) for p in sys.argv[2:6])
    k = int(sys.argv[6])
    compute = {"numpy": numpy_values, "pydvl": pydvl_values}[mode]
    np.save(sys.argv[7], compute(x_train, y_train, x_valid, y_valid, k))


if __name__ == "__main__":
    main()
