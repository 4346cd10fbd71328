"""The hand-off to MLflow (`pip install easeml-ci[mlflow]`): the gate's public facts about a model
as tags and parameters of the current MLflow run.

Logged: the verdict, the test set's id, the step and the steps left (tags, `easeml_ci.*`: they
change from check to check), and the plan — condition, mode, reliability, adaptivity, steps,
method, N and labels — as parameters (fixed for the question). Never a metric: the gate reveals
pass/fail only, and an accuracy logged next to it would leak what the test set protects."""

from __future__ import annotations

from typing import Any, Optional

from .results import Plan, Verdict

PREFIX = "easeml_ci."


def tags(verdict: Verdict) -> dict[str, str]:
    """The tags `log` sets for a verdict."""
    values = {
        "verdict": verdict.answer,
        "test_set": verdict.test_set_id,
        "steps_left": str(verdict.steps_left),
        "steps_used": str(verdict.steps_used),
        "condition": verdict.condition,
        "replay": str(verdict.replay).lower(),
    }
    if verdict.step is not None:
        values["step"] = str(verdict.step)
    return {PREFIX + k: v for k, v in values.items()}


def params(plan: Plan) -> dict[str, str]:
    """The parameters `log` sets for a plan."""
    values = {
        "condition": plan.condition,
        "mode": plan.mode,
        "reliability": str(plan.budget.reliability),
        "adaptivity": plan.budget.adaptivity,
        "steps": str(plan.budget.steps),
        "method": plan.chosen,
        "sample_size": str(plan.sample_size),
        "labels": str(plan.labels),
    }
    return {PREFIX + k: v for k, v in values.items()}


def log(verdict: Optional[Verdict] = None, plan: Optional[Plan] = None, *, run_id: Optional[str] = None) -> dict[str, dict[str, str]]:
    """Sets the verdict's tags and the plan's parameters on the run `run_id`, else on the active
    MLflow run (started when none is). Returns what was logged."""
    import mlflow

    logged: dict[str, dict[str, str]] = {"tags": {}, "params": {}}
    if verdict is not None:
        logged["tags"] = tags(verdict)
    if plan is not None:
        logged["params"] = params(plan)
    if run_id is not None:
        client: Any = mlflow.MlflowClient()
        for key, value in logged["tags"].items():
            client.set_tag(run_id, key, value)
        for key, value in logged["params"].items():
            client.log_param(run_id, key, value)
    else:
        if mlflow.active_run() is None:
            mlflow.start_run()
        mlflow.set_tags(logged["tags"])
        mlflow.log_params(logged["params"])
    return logged
