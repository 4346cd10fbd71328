"""The NumPy baseline for `easeml-ci check`: reads the labels and both prediction files and computes
the same sufficient statistics (DESIGN §5): new correct, old correct, predictions differ,
only-new-correct and only-old-correct.

Usage: python baseline_score.py LABELS NEW OLD [--parser int|bytes]

Every file is CSV with a header row and the columns `id,label`. The ids must be in the same order
in all three files (the benchmark writes them so); this is checked, not assumed.

Parsers:
- `int` (default, the fastest straightforward NumPy reader): `np.loadtxt(..., dtype=np.int64)`,
  NumPy's C tokenizer; ids and classes must be integers.
- `bytes`: reads the file's bytes and splits them on commas and newlines into one `S` array;
  any ids and class names, about 3-4x slower.
"""
import argparse
import json

import numpy as np


def read_int(path):
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64)
    return table[:, 0], table[:, 1]


def read_bytes(path):
    with open(path, "rb") as handle:
        fields = handle.read().replace(b"\r", b"").replace(b"\n", b",").split(b",")
    if fields and fields[-1] == b"":
        fields.pop()
    table = np.array(fields[2:])
    return table[0::2], table[1::2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("labels")
    parser.add_argument("new")
    parser.add_argument("old")
    parser.add_argument("--parser", choices=["int", "bytes"], default="int")
    args = parser.parse_args()
    read = read_int if args.parser == "int" else read_bytes
    label_ids, labels = read(args.labels)
    new_ids, new = read(args.new)
    old_ids, old = read(args.old)
    for name, ids in (("new", new_ids), ("old", old_ids)):
        if len(ids) != len(label_ids) or not np.array_equal(ids, label_ids):
            raise SystemExit(f"{name}: ids differ from the labels' ids (or their order does)")
    new_right = new == labels
    old_right = old == labels
    counts = {
        "total": int(len(labels)),
        "newCorrect": int(np.count_nonzero(new_right)),
        "oldCorrect": int(np.count_nonzero(old_right)),
        "predictionsDiffer": int(np.count_nonzero(new != old)),
        "onlyNewCorrect": int(np.count_nonzero(new_right & ~old_right)),
        "onlyOldCorrect": int(np.count_nonzero(old_right & ~new_right)),
    }
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
