"""The gate from Python against a real repository, ledger and sealed test set: a pass, a fail, a
replay, an exhausted set, malformed conditions, NumPy and list inputs, status and its chart."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import pytest

import easeml_ci
from conftest import CONFIG, Gate, git, predictions


def test_plan_of_the_repository_and_of_a_condition(gate: Gate) -> None:
    plan = easeml_ci.plan(cwd=gate.root)
    assert plan.condition == "n - o > 0 +/- 0.05"
    assert plan.budget.steps == 3 and plan.budget.adaptivity == "full" and plan.budget.reliability == 0.9
    assert plan.chosen in {m.method for m in plan.methods if m.applies}
    assert plan.sample_size == min(m.sample_size for m in plan.methods if m.applies)
    paper = easeml_ci.plan("n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01", reliability=0.999, steps=32, test_size=60000)
    assert paper.budget.clauses == 2 and paper.variance_bound is not None
    assert paper.supported_steps is not None and paper.supported_steps.steps >= 32
    assert paper.labels < paper.sample_size  # only the disagreements need labels
    # Steps per mode side by side, and the newcomer's smallest tolerances.
    by_mode = {s.adaptivity: s.steps for s in paper.steps_by_mode or []}
    assert by_mode["full"] == paper.supported_steps.steps
    assert by_mode["sparse:5"] > by_mode["sparse:10"] > by_mode["full"]
    assert paper.smallest_tolerances is not None and len(paper.smallest_tolerances) == 2
    assert all(t.smallest is not None and t.smallest <= t.tolerance for t in paper.smallest_tolerances)
    unbounded = easeml_ci.plan("n - o > 0.01 +/- 0.01", reliability=0.99, steps=4, expected_disagreement=0.084)
    assert unbounded.expected_disagreement == 0.084 and unbounded.sample_size < 14000
    html = paper._repr_html_()
    assert "<table" in html and "▶" in html and "n - o &gt; 0.02" in html


def test_a_pass_a_fail_a_replay_and_the_exhausted_set(gate: Gate) -> None:
    # A list in the labels' order: 90 % against the owner's 70 % baseline passes.
    passed = easeml_ci.check(predictions(gate.labels, 0.9), key_file=gate.key, cwd=gate.root)
    assert passed.answer == "pass" and passed.passed
    assert (passed.step, passed.steps_used, passed.steps_left) == (1, 1, 2)
    assert passed.test_set_id == gate.test_set and not passed.replay
    assert "PASS" in str(passed) and "PASS" in passed._repr_html_()
    # A NumPy integer array (written as .npy): 80 % against the accepted 90 % fails — a result.
    worse = np.array(predictions(gate.labels, 0.8), dtype=np.int32)
    failed = easeml_ci.check(worse, key_file=gate.key, cwd=gate.root)
    assert failed.answer == "fail" and not failed.passed and failed.steps_left == 1
    # The same predictions again: the recorded answer, no new charge.
    again = easeml_ci.check(worse, key_file=gate.key, cwd=gate.root)
    assert again.replay and again.answer == "fail" and again.steps_left == 1
    # Strings with ids in another order (CSV id,label) are aligned by id.
    order = list(range(len(gate.labels)))
    random.Random(3).shuffle(order)
    shuffled = predictions(gate.labels, 0.85)
    third = easeml_ci.check([str(shuffled[i]) for i in order], ids=[gate.ids[i] for i in order], key_file=gate.key, cwd=gate.root)
    assert third.answer == "fail" and third.steps_left == 0
    # The set is used up: refused, exit 3, raised with the refused result.
    with pytest.raises(easeml_ci.TestSetExhausted) as refused:
        easeml_ci.check(np.array(predictions(gate.labels, 0.95)), key_file=gate.key, cwd=gate.root)
    assert refused.value.exit_code == 3
    assert "used up" in refused.value.message
    assert refused.value.result.answer == "refused" and refused.value.result.steps_left == 0

    status = easeml_ci.status(cwd=gate.root)
    (test_set,) = status.test_sets
    assert test_set.id == gate.test_set and test_set.steps_used == 3 and test_set.steps_left == 0
    assert [e.verdict for e in test_set.evaluations] == ["pass", "fail", "fail"]
    assert "exhausted" in test_set.outlook
    assert test_set.evaluation_count == 3 and test_set.steps_by_mode is None
    paged = easeml_ci.status(cwd=gate.root, plot=False, limit=1, modes=True).test_sets[0]
    assert [e.step for e in paged.evaluations] == [3] and paged.evaluation_count == 3
    assert status.svg is not None and status.svg.lstrip().startswith("<?xml") and "<svg" in status.svg
    html = status._repr_html_()
    assert "<svg" in html and "<?xml" not in html and gate.test_set[:12] in html


def test_a_float_array_of_whole_numbers_and_a_predictions_file(gate: Gate, tmp_path: Path) -> None:
    floats = np.array(predictions(gate.labels, 0.9), dtype=np.float64)
    assert easeml_ci.check(floats, key_file=gate.key, cwd=gate.root).passed
    file = tmp_path / "preds.csv"
    file.write_text("id,label\n" + "".join(f"{i},{p}\n" for i, p in zip(gate.ids, predictions(gate.labels, 0.95))))
    assert easeml_ci.check(file, key_file=gate.key, cwd=gate.root).passed


def test_a_malformed_condition_carries_its_line_and_column() -> None:
    with pytest.raises(easeml_ci.ConfigurationError) as raised:
        easeml_ci.plan("n - o >> 0.02 +/- 0.01")
    error = raised.value
    assert error.kind == "condition" and error.exit_code == 2
    assert (error.line, error.column) == (1, 8)
    assert error.location.source_line == "n - o >> 0.02 +/- 0.01"
    assert "expected the threshold" in error.message


def test_a_malformed_easeml_yml_names_the_file_line_and_column(gate: Gate) -> None:
    (gate.root / ".easeml.yml").write_text(CONFIG.replace("reliability: 0.9", "reliabilty: 0.9"))
    with pytest.raises(easeml_ci.ConfigurationError) as raised:
        easeml_ci.check(predictions(gate.labels, 0.9), key_file=gate.key, cwd=gate.root)
    error = raised.value
    assert (error.file, error.line, error.column) == (".easeml.yml", 2, 1)
    assert "unknown key `reliabilty`" in error.message and error.location.hint == "did you mean `reliability`?"
    assert str(error).startswith(".easeml.yml:2:1: unknown key")
    # Nothing was charged.
    (gate.root / ".easeml.yml").write_text(CONFIG)
    assert easeml_ci.status(cwd=gate.root, plot=False).test_sets[0].steps_used == 0
    by_mode = easeml_ci.status(cwd=gate.root, plot=False, modes=True).test_sets[0].steps_by_mode
    assert by_mode and [m.adaptivity for m in by_mode][0] == "none" and all(m.steps >= 0 for m in by_mode)


def test_errors_map_to_their_exception_types(gate: Gate) -> None:
    with pytest.raises(easeml_ci.ConfigurationError) as no_key:
        easeml_ci.check(predictions(gate.labels, 0.9), cwd=gate.root)
    assert no_key.value.kind == "key" and "owner's key" in no_key.value.message
    with pytest.raises(easeml_ci.ConfigurationError) as short:
        easeml_ci.check(gate.labels[:10], key_file=gate.key, cwd=gate.root)
    assert short.value.kind == "data" and "10 predictions for a test set of 3000 examples" in short.value.message
    with pytest.raises(easeml_ci.UsageError) as usage:
        easeml_ci.plan("n > 0.5 +/- 0.05", test_size=0)
    assert usage.value.kind == "usage" and "--test-size" in usage.value.message
    with pytest.raises(easeml_ci.TestSetExhausted):
        easeml_ci.check(predictions(gate.labels, 0.9), test_set="ffff", key_file=gate.key, cwd=gate.root)
    with pytest.raises(ValueError):
        easeml_ci.check(np.zeros((3, 2)), key_file=gate.key, cwd=gate.root)
    assert issubclass(easeml_ci.InternalError, easeml_ci.EaseMLError)


def test_output_that_is_not_the_contract_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EASEML_CI_BINARY", "/bin/false")
    with pytest.raises(easeml_ci.InternalError) as raised:
        easeml_ci.version()
    assert "printed no JSON (exit 1)" in raised.value.message


def test_the_configured_script_and_a_hidden_verdict(gate: Gate) -> None:
    # The owner's question under adaptivity none: the developer learns nothing, pass or fail.
    root = gate.root.parent / "hidden"
    root.mkdir()
    (root / ".git").mkdir()
    (root / ".easeml.yml").write_text(
        CONFIG.replace("adaptivity: full", "adaptivity: none") + 'script: cp model/predictions.csv "$EASEML_OUTPUT"\n'
    )
    easeml_ci.testset_add(np.array(gate.labels), force=True, key_file=gate.key, cwd=root)
    easeml_ci.baseline_set(predictions(gate.labels, 0.7), branch="main", key_file=gate.key, cwd=root)
    (root / "model").mkdir()
    for accuracy in (0.9, 0.6):
        (root / "model" / "predictions.csv").write_text("".join(f"{p}\n" for p in predictions(gate.labels, accuracy)))
        verdict = easeml_ci.check(branch="main", key_file=gate.key, cwd=root)  # no predictions: the script runs
        assert verdict.answer == "recorded" and "kept for the integration owner" in verdict.message
        # In the sandbox, as the verdict records: bwrap where it works here, else the process sandbox.
        assert verdict.provenance is not None and verdict.provenance.source == "script"
        assert verdict.provenance.sandbox is not None and "timeout" in verdict.provenance.sandbox.in_force
        assert verdict.provenance.sandbox.isolation in {"bwrap", "process"}
    hidden = easeml_ci.status(cwd=root, plot=False).test_sets[0]
    assert [e.verdict for e in hidden.evaluations] == ["hidden", "hidden"] and hidden.adaptivity == "none"


def test_ci_in_two_phases_predict_without_the_key_then_check_the_commit(gate: Gate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's commit: a new model and the script that writes its predictions.
    (gate.root / ".easeml.yml").write_text(CONFIG + 'script: cp model/predictions.csv "$EASEML_OUTPUT"\n')
    (gate.root / "model").mkdir()
    rows = zip(gate.ids, predictions(gate.labels, 0.9))
    (gate.root / "model" / "predictions.csv").write_text("id,prediction\n" + "".join(f"{i},{p}\n" for i, p in rows))
    git(gate.root, "add", ".")
    git(gate.root, "commit", "-q", "-m", "a better model")
    head = git(gate.root, "rev-parse", "HEAD")

    # The prediction job holds no key: with one in the script's reach it refuses to start.
    output = tmp_path / "artifact" / "predictions.csv"
    output.parent.mkdir()
    monkeypatch.setenv("EASEML_KEY_FILE", str(gate.key))
    with pytest.raises(easeml_ci.ConfigurationError) as reachable:
        easeml_ci.predict("HEAD", output, cwd=gate.root)
    assert reachable.value.kind == "key" and reachable.value.exit_code == 2 and not output.exists()
    monkeypatch.delenv("EASEML_KEY_FILE")
    made = easeml_ci.predict("HEAD", output, cwd=gate.root)
    assert made.commit == head and made.test_set == gate.test_set and made.candidate
    assert "model/predictions.csv" in made.relevant_paths and not made.trusted_script
    assert made.predictions == str(output) and made.manifest == str(output) + ".easeml.json"
    assert made.predictions_sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert made.sandbox is not None and made.sandbox.isolation in {"bwrap", "process"}
    assert {"process-group-killed", "timeout", "allow-listed-environment"} <= set(made.sandbox.in_force)

    # The scoring job holds the key and runs no repository code: it scores the artifact.
    judged = easeml_ci.check_commit("HEAD", output, branch="main", key_file=gate.key, cwd=gate.root)
    assert judged.commit == head and judged.candidate and judged.passed and judged.gate is not None
    assert judged.gate.answer == "pass" and judged.gate.step == 1 and judged.gate.steps_left == 2
    assert ".easeml.yml" in judged.relevant_paths and "model/predictions.csv" in judged.relevant_paths
    provenance = judged.gate.provenance
    assert provenance is not None and provenance.source == "predict" and provenance.manifest == made.manifest
    assert provenance.predictions_sha256 == made.predictions_sha256 and provenance.sandbox == made.sandbox
    assert str(judged).startswith(f"{head[:7]}  PASS") and "PASS" in judged._repr_html_()
    assert "pass" in git(gate.root, "notes", "--ref", "easeml", "show", head).lower()

    # An artifact edited after the prediction job is refused, naming its manifest; nothing is charged.
    output.write_bytes(output.read_bytes() + b"x0,1\n")
    with pytest.raises(easeml_ci.ConfigurationError) as edited:
        easeml_ci.check_commit("HEAD", output, branch="main", key_file=gate.key, cwd=gate.root)
    assert edited.value.kind == "data" and edited.value.file == made.manifest and "SHA-256" in edited.value.message
    assert easeml_ci.status(cwd=gate.root, plot=False).test_sets[0].steps_used == 1

    # A commit that changes no model runs nothing and passes with no charge.
    (gate.root / "NOTES.md").write_text("docs only\n")
    git(gate.root, "add", "NOTES.md")
    git(gate.root, "commit", "-q", "-m", "docs")
    idle = easeml_ci.predict("HEAD", output, cwd=gate.root)
    assert not idle.candidate and idle.sandbox is None and output.read_bytes() == b""
    skipped = easeml_ci.check_commit("HEAD", output, branch="main", key_file=gate.key, cwd=gate.root)
    assert not skipped.candidate and skipped.gate is None and skipped.passed
    assert "no model change" in str(skipped) and "no model change" in skipped._repr_html_()
    assert easeml_ci.status(cwd=gate.root, plot=False).test_sets[0].steps_used == 1
