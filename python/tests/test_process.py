"""The Ease.ML process from Python: `next_step`, `lineage` and `debug` on an application whose
mistakes come from a region training lacks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import easeml_ci
from conftest import git


def write_csv(path: Path, X: np.ndarray, y: list[str]) -> None:
    lines = ["x0,x1,label"] + [f"{a},{b},{label}" for (a, b), label in zip(X, y)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_next_lineage_and_debug_of_an_application(tmp_path: Path) -> None:
    generator = np.random.default_rng(3)
    def cloud(center: tuple[float, float], rows: int) -> np.ndarray:
        return np.asarray(center) + 0.5 * generator.normal(size=(rows, 2))
    git(tmp_path, "init", "-q", ".")
    write_csv(tmp_path / "train.csv", np.vstack([cloud((0, 0), 40), cloud((4, 0), 40)]), ["a"] * 40 + ["b"] * 40)
    write_csv(tmp_path / "valid.csv", np.vstack([cloud((0, 0), 20), cloud((4, 0), 20)]), ["a"] * 20 + ["b"] * 20)
    # Production: 10 items the model gets right, 8 from a region training lacks that it gets wrong.
    write_csv(tmp_path / "production.csv", np.vstack([cloud((0, 0), 10), cloud((2, 12), 8)]), ["a"] * 10 + ["b"] * 8)
    (tmp_path / ".easeml.yml").write_text(
        "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: train.csv\n  validation: valid.csv\n"
        "  production: production.csv\n  target: 0.9\n", encoding="utf-8")

    process = easeml_ci.next_step(cwd=tmp_path)
    assert [step.name for step in process.steps][:2] == ["ingestion", "feasibility"]
    assert process.steps[0].state == "done" and process.steps[1].state == "not started"
    assert process.recommendation is not None and process.recommendation.step == 2
    assert process.recommendation.command == "easeml-ci feasibility --data train.csv --target 0.9"

    report = easeml_ci.debug(tmp_path / "production.csv", ["a"] * 18, cwd=tmp_path)
    assert report.mistake_count == 8
    assert report.recommendations[0].action == "acquire"
    assert report.recommendations[0].rows == list(range(10, 18))

    lineage = easeml_ci.lineage(cwd=tmp_path)
    assert [run.step for run in lineage.runs] == ["debug"]
    assert {file.role for file in lineage.runs[0].inputs} >= {"training", "validation", "production"}
    assert not lineage.runs[0].stale
    (tmp_path / "valid.csv").write_text("x0,x1,label\n0,0,a\n4,0,b\n", encoding="utf-8")
    stale = easeml_ci.lineage(cwd=tmp_path).runs[0]
    assert stale.stale and stale.stale_because == ["valid.csv changed"]


def test_ingest_a_table_with_candidates_and_augment_it(tmp_path: Path) -> None:
    rows = ["size,colour,label", "1.0,red,a", ",blue,a", "3.0,red,b", "4.0,,b", "5.0,blue,b"]
    (tmp_path / "raw.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = easeml_ci.ingest_table(tmp_path / "raw.csv", tmp_path / "out", candidates=True, cwd=tmp_path)
    assert [(column.name, column.kind, column.missing) for column in report.columns] == [("size", "numeric", 1), ("colour", "categorical", 1)]
    assert report.rows_with_missing_cells == 2 and report.fitted
    features = Path(report.path("features")).read_text(encoding="utf-8").splitlines()
    assert features[0] == "size,colour=blue,colour=red,label"
    assert features[2].startswith(",1,0,")
    methods = Path(report.path("candidate-methods")).read_text(encoding="utf-8").splitlines()[1:]
    assert {line.split(",")[2] for line in methods} == {"mean", "median", "mode", "knn5"}
    augmented = easeml_ci.ingest_augment(report.path("features"), tmp_path / "aug", factor=2, seed=7, cwd=tmp_path)
    # Only complete rows of classes with two of them interpolate: class b (rows 3 and 5).
    assert augmented.synthetic_rows == 5 and augmented.by_class == {"b": 5}


def test_ingest_a_folder_of_documents(tmp_path: Path) -> None:
    (tmp_path / "docs" / "spam").mkdir(parents=True)
    (tmp_path / "docs" / "ham").mkdir()
    (tmp_path / "docs" / "spam" / "offer.html").write_text("<p>Win <b>money</b> now</p>", encoding="utf-8")
    (tmp_path / "docs" / "ham" / "note.txt").write_text("Lunch\nat noon?\n", encoding="utf-8")
    (tmp_path / "docs" / "ham" / "broken.pdf").write_bytes(b"%PDF-1.4 not a pdf")
    with pytest.raises(easeml_ci.ConfigurationError, match="broken.pdf"):
        easeml_ci.ingest_documents(tmp_path / "docs", tmp_path / "out", cwd=tmp_path)
    table = easeml_ci.ingest_documents(tmp_path / "docs", tmp_path / "out", on_error="skip", cwd=tmp_path)
    assert table.documents == 2 and table.by_label == {"ham": 1, "spam": 1} and table.unlabelled == 0
    assert [item.path for item in table.skipped] == ["ham/broken.pdf"]
    assert Path(table.table).read_text(encoding="utf-8").splitlines() == [
        "id,text,label,source", "ham/note.txt,Lunch at noon?,ham,text", "spam/offer.html,Win money now,spam,pandoc"]
    augmented = easeml_ci.ingest_augment(table.table, tmp_path / "aug", factor=3, seed=5, text="text", rate=0.3, cwd=tmp_path)
    assert augmented.method == "text" and augmented.synthetic_rows == 4 and augmented.by_class == {"ham": 2, "spam": 2}
    rows = Path(next(o.path for o in augmented.outputs if o.role == "augmented")).read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in rows[3:]] == ["ham/note.txt#aug1", "spam/offer.html#aug1", "ham/note.txt#aug2", "spam/offer.html#aug2"]
