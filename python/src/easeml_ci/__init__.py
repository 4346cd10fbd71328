"""easeml-ci from Python: a typed API over the `easeml-ci` command line's JSON contract
(`schemas/`), with notebook display and an MLflow hand-off (`easeml_ci.mlflow`).

    import easeml_ci
    verdict = easeml_ci.check(predictions=model.predict(X_test))
    print(verdict)            # PASS/FAIL, the steps left; never an accuracy
"""

from .api import (
    PickSession,
    automl_leaderboard,
    automl_run,
    baseline_set,
    check,
    check_commit,
    debug,
    feasibility,
    ingest_augment,
    ingest_documents,
    ingest_table,
    key_generate,
    lineage,
    next_step,
    pick_start,
    plan,
    predict,
    status,
    testset_add,
    value,
    version,
)
from .errors import ConfigurationError, EaseMLError, InternalError, Location, TestSetExhausted, UsageError
from .results import (
    Action,
    Baseline,
    CommitVerdict,
    Augmentation,
    DocumentTable,
    Debugging,
    Feasibility,
    Ingestion,
    Leaderboard,
    Lineage,
    PickItem,
    PickStatus,
    Plan,
    Prediction,
    Process,
    Protections,
    Provenance,
    Registration,
    Status,
    Valuation,
    Verdict,
    Version,
)

try:
    from ._version import __version__
except ImportError:  # a source tree, not an installed wheel
    __version__ = "0+source"

__all__ = [
    "Action", "Augmentation", "Baseline", "CommitVerdict", "ConfigurationError", "Debugging", "DocumentTable", "EaseMLError",
    "Feasibility", "Ingestion", "InternalError", "Leaderboard", "Lineage", "Location", "PickItem",
    "PickSession", "PickStatus", "Plan", "Prediction", "Process", "Protections", "Provenance", "Registration",
    "Status", "TestSetExhausted", "UsageError", "Valuation", "Verdict", "Version", "automl_leaderboard",
    "automl_run", "baseline_set", "check", "check_commit", "debug", "feasibility", "ingest_augment", "ingest_documents",
    "ingest_table", "key_generate", "lineage", "next_step", "pick_start", "plan", "predict", "status",
    "testset_add", "value", "version",
]
