"""NumPy baseline for `easeml-ci pick simulate` (see Benchmarks/README.md).

The same protocol: R realizations, each a stream of n items drawn without replacement in random
order from the labeled pool; per budget B (with its gamma), ModelPicker over the whole stream
(eta_t = sqrt(ln k / 2t), posterior, skip agreeing items, p_t = min(1, max(gamma*u_t, eta_t)),
1/p_t updates), random labeling of B disagreement items, and uniform random labeling of B items;
identification probability with tied credit. Vectorized over realizations (one NumPy step per
stream position), which is how one would write it in NumPy. Different random streams than the
Swift engine, so the numbers agree statistically, not bit for bit.

usage: python baseline_modelpicker.py LABELS MODEL... [--realizations R] [--stream-length n]
"""
import sys
import numpy as np

BUDGETS = [(30, 1.07), (50, 1.913), (70, 2.78), (90, 3.421), (110, 4.389), (130, 6.118), (150, 8.889), (170, 25.09)]


def read(path):
    ids, values = [], []
    with open(path) as f:
        next(f)
        for line in f:
            a, b = line.rstrip("\n").split(",")
            ids.append(a)
            values.append(b)
    return ids, values


def credit(scores, truth_mask, rng):
    # scores: (R, k) smaller is better; credit |answer ∩ truth| / |answer|
    best = scores == scores.min(axis=1, keepdims=True)
    return ((best & truth_mask).sum(axis=1) / best.sum(axis=1)).mean()


def main():
    args = sys.argv[1:]
    R, n = 1000, 1000
    files = []
    i = 0
    while i < len(args):
        if args[i] == "--realizations":
            R = int(args[i + 1]); i += 2
        elif args[i] == "--stream-length":
            n = int(args[i + 1]); i += 2
        else:
            files.append(args[i]); i += 1
    ids, labels = read(files[0])
    classes = {c: j for j, c in enumerate(sorted(set(labels)))}
    y = np.array([classes[c] for c in labels], dtype=np.int32)
    preds = []
    for path in files[1:]:
        pids, p = read(path)
        order = {x: j for j, x in enumerate(pids)}
        col = np.array([classes.get(p[order[x]], -1) for x in ids], dtype=np.int32)
        preds.append(col)
    F = np.stack(preds, axis=1)  # (N, k)
    N, k = F.shape
    wrong = (F != y[:, None]).astype(np.float64)
    disagree = (F != F[:, :1]).any(axis=1)
    rng = np.random.default_rng(1)
    streams = np.stack([rng.permutation(N)[:n] for _ in range(R)])  # (R, n)
    truth_err = wrong[streams].sum(axis=1)  # (R, k)
    truth = truth_err == truth_err.min(axis=1, keepdims=True)
    Fs = F[streams]  # (R, n, k)
    Ws = wrong[streams]
    Ds = disagree[streams]  # (R, n)
    coins = rng.random((R, n))
    classes_present = np.unique(F)
    print("B  modelpicker  labels  disagreement  uniform")
    for B, gamma in BUDGETS:
        L = np.zeros((R, k))
        used = np.zeros(R)
        for t in range(1, n + 1):
            eta = np.sqrt(np.log(k) / (2 * t))
            w = np.exp(-eta * (L - L.min(axis=1, keepdims=True)))
            w /= w.sum(axis=1, keepdims=True)
            f = Fs[:, t - 1, :]
            mass = np.stack([(w * (f == c)).sum(axis=1) for c in classes_present], axis=1)
            u = gamma * (mass * (1 - mass)).max(axis=1)
            p = np.minimum(1.0, np.maximum(u, eta))
            ask = Ds[:, t - 1] & (coins[:, t - 1] < p)
            L += np.where(ask[:, None], Ws[:, t - 1, :] / p[:, None], 0.0)
            used += ask
        mp = credit(L, truth, rng)
        # random labeling among disagreement items / among all items
        dis_err = np.zeros((R, k))
        uni_err = np.zeros((R, k))
        for r in range(R):
            d = np.flatnonzero(Ds[r])
            pick = rng.choice(d, size=min(B, len(d)), replace=False)
            dis_err[r] = Ws[r, pick].sum(axis=0)
            pick = rng.choice(n, size=min(B, n), replace=False)
            uni_err[r] = Ws[r, pick].sum(axis=0)
        print(f"{B}  {mp:.3f}  {used.mean():.1f}  {credit(dis_err, truth, rng):.3f}  {credit(uni_err, truth, rng):.3f}")


if __name__ == "__main__":
    main()
