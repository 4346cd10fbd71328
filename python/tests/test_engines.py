"""The lifecycle engines from Python: feasibility and valuation on NumPy arrays, a ModelPicker
session, an AutoML run with its progress bar."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

import easeml_ci
from easeml_ci import progress


def data(rows: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(seed)
    X = generator.normal(size=(rows, 4))
    y = (X[:, 0] + 0.3 * generator.normal(size=rows) > 0).astype(np.int64)
    return X, y


def test_feasibility_of_arrays_with_its_curve() -> None:
    X, y = data()
    report = easeml_ci.feasibility(X, y, target=0.8)
    assert report.verdict == "feasible" and report.target == 0.8
    # Raw, standardized and min-max scaled, the best named; infeasible only above the upper end.
    assert [entry.estimate["name"].split(" ")[-1] for entry in report.entries] == ["(raw)", "(standardized)", "(min-max)"]
    assert all(entry.estimate["examples"] == 300 and entry.estimate["features"] == 4 for entry in report.entries)
    assert report.representations == 3 and report.best_name in {entry.estimate["name"] for entry in report.entries}
    assert 0.8 < report.accuracy_ceiling <= report.upper_ceiling <= 1
    (raw,) = easeml_ci.feasibility(X, y, target=0.8, scale=["none"], plot=False).entries
    assert raw.estimate["name"].endswith(".npy")
    assert report.svg is not None and "<svg" in report.svg
    html = report._repr_html_()
    assert "<svg" in html and "feasible" in html
    # Learnable data is never called infeasible from a few hundred rows: 0.999 is "unclear".
    assert easeml_ci.feasibility(X, y, target=0.999, plot=False).verdict == "unclear"
    # Labels independent of the features are: a result (exit 1), not an exception.
    noise = np.random.default_rng(5).integers(0, 2, size=300)
    hopeless = easeml_ci.feasibility(X, noise, target=0.9, plot=False)
    assert hopeless.verdict == "infeasible" and hopeless.upper_ceiling < 0.9


def test_feasibility_of_two_representations_with_a_progress_bar() -> None:
    X, y = data(rows=2000)
    noisy = X + np.random.default_rng(1).normal(scale=3, size=X.shape)
    report = easeml_ci.feasibility([X, noisy], y, condition="n > 0.8 +/- 0.01", scale=["none", "standardize"], progress=True)
    assert len(report.entries) == 4 and report.best in (0, 1) and report.target == 0.8


def test_the_progress_bar_reads_what_the_binary_draws() -> None:
    class Bar:
        def __init__(self, total):
            self.total, self.n, self.updates, self.closed, self.postfix = total, 0, 0, False, ""

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text

        def refresh(self):
            pass

        def update(self, n):
            self.updates += n

        def close(self):
            self.closed = True

    drawn = progress.ProgressBar(Bar(100))
    drawn.feed("\r[#########                     ] 30% representation 1/2\x1b[K\r[###")
    drawn.feed("###############               ] 50% representation 2/2\x1b[K\r\x1b[K")
    assert drawn.bar.n == 50 and drawn.bar.postfix == "representation 2/2"
    trials = progress.ProgressBar(Bar(None))
    trials.feed("automl: trial 1 started: t[x=1]\nautoml: trial 1 ok: t[x=1] score 0.1\nautoml: trial 2 failed: t")
    trials.close()
    assert trials.bar.updates == 2 and trials.bar.closed


def test_value_flags_the_flipped_labels() -> None:
    X, y = data()
    flipped = y.copy()
    flipped[:10] = 1 - flipped[:10]
    report = easeml_ci.value(X, flipped, X[200:], y[200:], k=5, flag=0.1)
    assert report.training_rows == 300 and report.validation_rows == 100 and report.k == 5
    ranking = report.representations[0]
    assert [row.rank for row in ranking.rows] == list(range(1, 301))
    assert len(report.flagged) == 30
    assert len(set(report.flagged) & set(range(10))) >= 5


def test_value_without_a_validation_set_flags_the_negative_values() -> None:
    X, y = data()
    flipped = y.copy()
    flipped[:15] = 1 - flipped[:15]
    report = easeml_ci.value(X, flipped, k=5, flag="auto", folds=4, seed=3)
    assert report.folds == 4 and report.flag_rule == "auto" and report.validation_rows == 300
    rows = report.representations[0].rows
    assert set(report.flagged) == {row.index for row in rows if row.value < 0}
    # 15 of 300 labels flipped (a base rate of 0.05), on data whose own labels are noisy near x0 = 0.
    found = len(set(report.flagged) & set(range(15)))
    assert found >= 10 and found / len(report.flagged) >= 0.25
    with pytest.raises(TypeError):
        easeml_ci.value(X, flipped, y_valid=y)
    with pytest.raises(easeml_ci.UsageError) as error:
        easeml_ci.value(X, flipped, folds=1)
    assert "at least 2 folds" in str(error.value)


def test_a_pick_session(tmp_path: Path) -> None:
    generator = np.random.default_rng(2)
    truth = generator.integers(0, 3, size=200)
    models = {
        name: np.where(generator.random(200) < accuracy, truth, (truth + 1) % 3)
        for name, accuracy in [("good", 0.9), ("fair", 0.7), ("poor", 0.5)]
    }
    ids = [f"p{i}" for i in range(200)]
    session = easeml_ci.pick_start("monday", models, ids=ids, label_budget=50, ledger=tmp_path / "pick.sqlite", cwd=tmp_path)
    assert session.started is not None and session.started.status == "open"
    assert [m.name for m in session.started.models] == ["good", "fair", "poor"]
    for _ in range(5):
        items = session.next(batch=5)
        if not items:
            break
        status = session.label({item.id: int(truth[ids.index(item.id)]) for item in items})
    assert status.labels_used > 0 and status.session == "monday"
    assert session.status().labels_used == status.labels_used
    # Every label was asked for by ModelPicker, by the stopping rule or by both.
    split = status.label_split
    assert split is not None and split.model_picker > 0
    assert split.model_picker + split.stopping_rule + split.both == status.labels_used
    # An unknown id refuses the whole call (exit 2) and records nothing.
    with pytest.raises(easeml_ci.EaseMLError) as unknown:
        session.label({"no-such-item": 1})
    assert unknown.value.exit_code == 2 and "no-such-item" in unknown.value.message
    assert session.status().labels_used == status.labels_used
    chosen = session.choose()
    assert chosen.status == "stopped" and chosen.chosen in models


TRIAL = """#!/bin/sh
sleep 0.2
echo "EASEML_RESULT {\\"score\\": 0.$1}"
"""


def test_an_automl_run_and_its_leaderboard(tmp_path: Path) -> None:
    trial = tmp_path / "trial.sh"
    trial.write_text(TRIAL)
    trial.chmod(trial.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "train.csv").write_text("x,label\n1,a\n")
    (tmp_path / "valid.csv").write_text("x,label\n2,b\n")
    (tmp_path / ".easeml.yml").write_text(
        "condition: n > 0.8 +/- 0.05\nreliability: 0.99\nautoml:\n  train: train.csv\n  valid: valid.csv\n"
        "  budget: {trials: 3}\n  policy: round_robin\n  candidates:\n    - name: t\n      command: ./trial.sh {x}\n"
        "      grid: {x: [1, 2, 3]}\n"
    )
    board = easeml_ci.automl_run(budget_trials=3, progress=True, ledger=tmp_path / "l.sqlite", cwd=tmp_path)
    assert board.status == "done" and [row.state for row in board.rows] == ["ok"] * 3
    assert board.best is not None and board.best.arm == "t[x=3]" and board.best.score == pytest.approx(0.3)
    again = easeml_ci.automl_leaderboard(ledger=tmp_path / "l.sqlite", cwd=tmp_path)
    assert again.run == board.run and len(again.rows) == 3
    assert os.path.isdir(tmp_path / ".easeml" / "automl")
