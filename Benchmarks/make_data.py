"""Writes the benchmark's seeded, deterministic input files.

labels.csv, new.csv and old.csv: header `id,label`, then N rows `id,class` with integer ids
0..N-1 in the same order in every file and 10 classes `0`..`9`. The new model is right on about
90% of the examples, the old one on about 88%; their errors are independent.
"""
import sys

import numpy as np


def write(path, ids_text, classes):
    digits = np.array([str(c).encode() for c in range(10)])
    with open(path, "wb") as out:
        out.write(b"id,label\n")
        step = 1_000_000
        for start in range(0, len(classes), step):
            rows = np.char.add(np.char.add(ids_text[start:start + step], b","), digits[classes[start:start + step]])
            out.write(b"\n".join(rows.tolist()) + b"\n")


def main():
    folder, n = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(20240611)
    labels = rng.integers(0, 10, n)
    wrong = (labels + rng.integers(1, 10, n)) % 10
    new = np.where(rng.random(n) < 0.90, labels, wrong)
    wrong = (labels + rng.integers(1, 10, n)) % 10
    old = np.where(rng.random(n) < 0.88, labels, wrong)
    ids_text = np.arange(n).astype(str).astype(bytes)
    write(f"{folder}/labels.csv", ids_text, labels)
    write(f"{folder}/new.csv", ids_text, new)
    write(f"{folder}/old.csv", ids_text, old)


if __name__ == "__main__":
    main()
