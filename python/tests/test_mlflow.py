"""The MLflow hand-off against a real local tracking store (SQLite): the tags and parameters are read back
from the store, and no metric is logged."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest

import easeml_ci
import easeml_ci.mlflow
from conftest import Gate, predictions


@pytest.fixture
def tracking(tmp_path: Path):
    store = tmp_path / "mlflow.db"
    mlflow.set_tracking_uri(f"sqlite:///{store}")
    yield store
    if mlflow.active_run() is not None:
        mlflow.end_run()


def test_the_verdict_and_the_plan_land_in_the_current_run(gate: Gate, tracking: Path) -> None:
    plan = easeml_ci.plan(cwd=gate.root)
    with mlflow.start_run() as run:
        mlflow.log_param("learning_rate", 0.1)
        verdict = easeml_ci.check(predictions(gate.labels, 0.9), key_file=gate.key, cwd=gate.root)
        logged = easeml_ci.mlflow.log(verdict, plan)
    stored = mlflow.MlflowClient().get_run(run.info.run_id).data
    assert stored.tags["easeml_ci.verdict"] == "pass"
    assert stored.tags["easeml_ci.test_set"] == gate.test_set
    assert stored.tags["easeml_ci.steps_left"] == "2" and stored.tags["easeml_ci.step"] == "1"
    assert stored.params["easeml_ci.condition"] == "n - o > 0 +/- 0.05"
    assert stored.params["easeml_ci.method"] == plan.chosen
    assert stored.params["easeml_ci.sample_size"] == str(plan.sample_size)
    assert stored.params["learning_rate"] == "0.1"
    assert stored.metrics == {}, "the gate's facts are never metrics"
    assert {k: stored.tags[k] for k in logged["tags"]} == logged["tags"]
    # A later check of another run is logged by id, without an active run.
    with mlflow.start_run() as second:
        pass
    failed = easeml_ci.check(predictions(gate.labels, 0.8), key_file=gate.key, cwd=gate.root)
    easeml_ci.mlflow.log(failed, run_id=second.info.run_id)
    tags = mlflow.MlflowClient().get_run(second.info.run_id).data.tags
    assert tags["easeml_ci.verdict"] == "fail" and tags["easeml_ci.steps_left"] == "1"
