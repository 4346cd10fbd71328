"""Baselines of Benchmarks/label-issues.sh.

    python baseline_label_issues.py noisy DATA.csv OUT_DIR      # noisy.csv (10 % of labels flipped, seed 10) and flipped.json
    python baseline_label_issues.py cleanlab NOISY.csv MODEL    # cleanlab's find_label_issues on 5-fold out-of-sample probabilities
                                                                # of MODEL: logreg or svc
    python baseline_label_issues.py score FLIPPED.json ISSUES   # precision and recall of a JSON list of flagged row indices

The cleanlab baseline is the recipe of its documentation: out-of-sample predicted probabilities
(`cross_val_predict`, 5 folds) of a standardized logistic regression (`logreg`) or of an RBF SVM on
the raw features, calibrated by `CalibratedClassifierCV(SVC(), ensemble=False)` (`svc`, stronger on
digits), then `cleanlab.filter.find_label_issues` with its defaults; it prints the flagged row
indices as JSON.
"""
import csv
import json
import os
import random
import sys


def read(path):
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        label = len(header) - 1
        x, y = [], []
        for row in rows:
            y.append(row[label])
            x.append([float(c) for i, c in enumerate(row) if i != label])
    return header, x, y


def noisy(data, out):
    header, x, y = read(data)
    classes = sorted(set(y))
    rng = random.Random(10)
    flipped = sorted(rng.sample(range(len(y)), len(y) // 10))
    for row in flipped:
        y[row] = rng.choice([c for c in classes if c != y[row]])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "noisy.csv"), "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for features, label in zip(x, y):
            writer.writerow([repr(v) if v != int(v) else str(int(v)) for v in features] + [label])
    with open(os.path.join(out, "flipped.json"), "w") as handle:
        json.dump(flipped, handle)


def cleanlab(path, model_name):
    import numpy as np
    from cleanlab.filter import find_label_issues
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    _, x, y = read(path)
    classes = sorted(set(y))
    labels = np.array([classes.index(v) for v in y])
    model = {"logreg": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
             "svc": lambda: CalibratedClassifierCV(SVC(), ensemble=False)}[model_name]()
    probabilities = cross_val_predict(model, np.array(x), labels, cv=5, method="predict_proba")
    issues = find_label_issues(labels, probabilities)
    print(json.dumps([int(i) for i in np.flatnonzero(issues)]))


def score(flipped_path, issues_path):
    flipped = set(json.load(open(flipped_path)))
    issues = set(json.load(open(issues_path)))
    found = len(flipped & issues)
    print(json.dumps({"flagged": len(issues), "precision": found / max(1, len(issues)), "recall": found / len(flipped)}))


if __name__ == "__main__":
    {"noisy": lambda: noisy(sys.argv[2], sys.argv[3]), "cleanlab": lambda: cleanlab(sys.argv[2], sys.argv[3]),
     "score": lambda: score(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
