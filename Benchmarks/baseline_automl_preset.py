"""Baselines of Benchmarks/automl-preset.sh.

    python baseline_automl_preset.py split DIGITS.csv OUT_DIR   # train.csv (1,200) and valid.csv (597), seed 7
    python baseline_automl_preset.py defaults TRAIN VALID       # SVC(), 5-NN, HistGradientBoosting(): JSON accuracies
    python baseline_automl_preset.py overhead REPO [BUDGET]     # per-trial overhead of the newest automl run in REPO (and
                                                                # the best score of the trials ended within BUDGET seconds)
"""
import csv
import glob
import json
import os
import random
import sqlite3
import sys


def split(digits, out):
    with open(digits) as handle:
        lines = handle.read().strip().split("\n")
    header, rows = lines[0], lines[1:]
    random.Random(7).shuffle(rows)
    os.makedirs(out, exist_ok=True)
    for name, part in (("train.csv", rows[:1200]), ("valid.csv", rows[1200:])):
        with open(os.path.join(out, name), "w") as handle:
            handle.write("\n".join([header] + part) + "\n")


def read(path):
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        label = header.index("label")
        x, y = [], []
        for row in rows:
            y.append(row[label])
            x.append([float(c) for i, c in enumerate(row) if i != label])
    return x, y


def defaults(train, valid):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC

    tx, ty = read(train)
    vx, vy = read(valid)
    scores = {}
    for name, model in (("SVC()", SVC()), ("KNeighborsClassifier(5)", KNeighborsClassifier(5)),
                        ("HistGradientBoostingClassifier()", HistGradientBoostingClassifier(random_state=1))):
        model.fit(tx, ty)
        predicted = model.predict(vx)
        scores[name] = sum(p == t for p, t in zip(predicted, vy)) / len(vy)
    print(json.dumps(scores))


def overhead(repo, budget=None):
    """Per trial: the ledger's wall seconds minus the fit and predict seconds the trial reported;
    with BUDGET, also the best score among the trials that ended within BUDGET seconds of the
    first trial's start (a trial running at the deadline finishes, but is not counted there)."""
    from datetime import datetime
    ledger = sqlite3.connect(os.path.join(repo, ".git/easeml/ledger.sqlite"))
    run = ledger.execute("SELECT id FROM automl_runs ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    rows = ledger.execute("SELECT seconds, log_path, score, started_at, ended_at FROM automl_trials WHERE run = ? AND state = 'ok'",
                          (run,)).fetchall()
    stamp = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    start = min(stamp(row[3]) for row in rows)
    within = max((row[2] for row in rows if budget is not None and stamp(row[4]) - start <= float(budget)), default=None)
    overheads, best = [], 0.0
    for seconds, log, score, _, _ in rows:
        result = None
        for line in open(log):
            if line.startswith("EASEML_RESULT "):
                result = json.loads(line[len("EASEML_RESULT "):])
        overheads.append(seconds - result["fit_seconds"] - result.get("predict_seconds", 0))
        best = max(best, score)
    overheads.sort()
    median = overheads[len(overheads) // 2]
    print(json.dumps({"trials": len(rows), "best": best, "median_overhead": median,
                      "mean_overhead": sum(overheads) / len(overheads), "largest_overhead": overheads[-1],
                      "best_within_budget": within}))


if __name__ == "__main__":
    {"split": lambda: split(sys.argv[2], sys.argv[3]), "defaults": lambda: defaults(sys.argv[2], sys.argv[3]),
     "overhead": lambda: overhead(*sys.argv[2:4])}[sys.argv[1]]()
