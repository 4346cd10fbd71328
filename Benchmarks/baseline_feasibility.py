"""NumPy + BLAS baseline for `easeml-ci feasibility` on a large matrix (Benchmarks/feasibility-50k.sh).

Does the same work as the Swift command above its leave-one-out limit: a seeded 20 % held-out
test set, nested subsamples of the remaining pool at 1/16, 1/8, 1/4, 1/2 and 1, and for each the
held-out 1-NN error by squared Euclidean distance computed as |q|^2 + |r|^2 - 2 q.r with float64
matrix products in blocks, then the Cover-Hart bound. Prints one JSON line.
"""
import json
import sys

import numpy as np


def nearest_errors(queries, q_labels, refs, r_labels, block=256):
    rn = (refs * refs).sum(1)
    errors = 0
    for s in range(0, len(queries), block):
        q = queries[s:s + block]
        d = (q * q).sum(1)[:, None] + rn[None, :] - 2.0 * (q @ refs.T)
        errors += int((r_labels[d.argmin(1)] != q_labels[s:s + block]).sum())
    return errors


def main():
    x = np.load(sys.argv[1]).astype(np.float64)
    y = np.load(sys.argv[2])
    rng = np.random.default_rng(1)
    order = rng.permutation(len(y))
    test = order[: len(y) // 5]
    pool = order[len(y) // 5:]
    classes = len(np.unique(y))
    points = []
    for fraction in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1):
        size = int(np.ceil(fraction * len(pool)))
        refs = pool[:size]
        e = nearest_errors(x[test], y[test], x[refs], y[refs]) / len(test)
        bound = (classes - 1) / classes * (1 - np.sqrt(max(0.0, 1 - classes / (classes - 1) * e)))
        points.append({"size": size, "error": e, "bayes_error_bound": bound})
    print(json.dumps(points))


if __name__ == "__main__":
    main()
