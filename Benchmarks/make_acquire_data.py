"""Data for Benchmarks/acquire.sh (standard library only, seeded, deterministic).

digits FOLDER SHARED_DATA: the digits split of the tests (data row r is training when r % 10 < 7):
  the first 60 training rows labelled, the other 1,197 an unlabelled pool, the rest validation.
synthetic FOLDER POOL: 10 Gaussian classes in 32 dimensions: 1,000 labelled rows, POOL pool rows
  (no label column), 500 validation rows.
"""
import csv
import random
import sys


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def digits(folder, shared):
    with open(f"{shared}/digits.csv") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    train = [r for i, r in enumerate(body) if i % 10 < 7]
    valid = [r for i, r in enumerate(body) if i % 10 >= 7]
    write(f"{folder}/digits-labeled.csv", header, train[:60])
    write(f"{folder}/digits-pool.csv", header[:-1], [r[:-1] for r in train[60:]])
    write(f"{folder}/digits-valid.csv", header, valid)


def synthetic(folder, pool):
    rng = random.Random(7)
    d, classes = 32, 10
    centres = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(classes)]

    def rows(n, labelled):
        out = []
        for _ in range(n):
            c = rng.randrange(classes)
            x = [f"{centres[c][j] + rng.gauss(0, 1.2):.6f}" for j in range(d)]
            out.append(x + [str(c)] if labelled else x)
        return out

    header = [f"f{j}" for j in range(d)]
    write(f"{folder}/synthetic-labeled.csv", header + ["label"], rows(1000, True))
    write(f"{folder}/synthetic-pool.csv", header, rows(pool, False))
    write(f"{folder}/synthetic-valid.csv", header + ["label"], rows(500, True))


if __name__ == "__main__":
    if sys.argv[1] == "digits":
        digits(sys.argv[2], sys.argv[3])
    else:
        synthetic(sys.argv[2], int(sys.argv[3]))
