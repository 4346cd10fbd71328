"""Baseline for Benchmarks/automl-overhead.sh: the multi-tenant GP-UCB scheduler of
shared/reference/automl.md (learned prior from the prior rows, warm start, then max_gap, one
worker, unit cost) in NumPy, run to the end (every arm of every tenant once).

    python baseline_automl_scheduler.py MATRIX.csv TENANTS

TENANTS is how many data sets (the first, in file order) are tenants; the others are the prior.
Prints the number of decisions and the final global regret (which must match easeml-ci's)."""
import csv
import math
import sys

import numpy as np


def main():
    path, tenant_count = sys.argv[1], int(sys.argv[2])
    datasets, models, cells = [], [], {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["dataset"] not in cells:
                datasets.append(row["dataset"])
                cells[row["dataset"]] = {}
            if row["model"] not in models:
                models.append(row["model"])
            cells[row["dataset"]][row["model"]] = float(row["val_accuracy"])
    scores = np.array([[cells[d][m] for m in models] for d in datasets])
    truth, prior = scores[:tenant_count], scores[tenant_count:]
    k = len(models)
    mu0 = prior.mean(axis=0)
    sigma = np.cov(prior.T, ddof=1) + 1e-4 * np.eye(k)
    noise = 0.01 ** 2
    observed = [[] for _ in range(tenant_count)]
    values = [[] for _ in range(tenant_count)]
    mean = [mu0.copy() for _ in range(tenant_count)]
    var = [np.diag(sigma).copy() for _ in range(tenant_count)]
    best = np.zeros(tenant_count)

    def proposal(i):
        arms = observed[i]
        if len(arms) == k:
            return None
        t = len(arms) + 1
        root = math.sqrt(math.log(k * t * t / 0.1))
        ucb = mean[i] + root * np.sqrt(var[i])
        ucb[arms] = -np.inf
        arm = int(np.argmax(ucb))
        return arm, ucb[arm] - (best[i] if arms else 0.0)

    def observe(i, arm, score):
        observed[i].append(arm)
        values[i].append(score)
        a = observed[i]
        factor = np.linalg.cholesky(sigma[np.ix_(a, a)] + noise * np.eye(len(a)))
        cross = np.linalg.solve(factor, sigma[a, :])
        alpha = np.linalg.solve(factor.T, np.linalg.solve(factor, np.array(values[i]) - mu0[a]))
        mean[i] = mu0 + sigma[:, a] @ alpha
        var[i] = np.maximum(np.diag(sigma) - (cross * cross).sum(axis=0), 1e-12)
        best[i] = max(best[i], score) if len(a) > 1 else score

    decisions = 0
    for i in range(tenant_count):
        arm, _ = proposal(i)
        observe(i, arm, truth[i, arm])
        decisions += 1
    while True:
        chosen = None
        for i in range(tenant_count):
            p = proposal(i)
            if p is not None and (chosen is None or p[1] > chosen[2]):
                chosen = (i, p[0], p[1])
        if chosen is None:
            break
        observe(chosen[0], chosen[1], truth[chosen[0], chosen[1]])
        decisions += 1
    print(f"{decisions} decisions, final regret {float((truth.max(axis=1) - best).mean()):.6f}")


if __name__ == "__main__":
    main()
