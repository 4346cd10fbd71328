"""The API: one function per command, each building the command line, running it through
`_cli.run` and returning a result of `results`.

Common keywords: `cwd`, the folder the command runs in (its `.easeml.yml` and repository are found
from there, as on the command line; default: the current directory); `config` and `ledger`, the
`--config` and `--ledger` flags; `key_file`, the owner's key (`--key-file`; default: `EASEML_KEY`,
else `EASEML_KEY_FILE`). Paths are relative to Python's current directory, as with `open`."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Sequence, Union

from . import _cli, _inputs, progress as _progress
from ._inputs import Scratch
from .results import (
    Action,
    Baseline,
    CommitVerdict,
    Debugging,
    Augmentation,
    DocumentTable,
    Feasibility,
    Ingestion,
    Leaderboard,
    Lineage,
    PickItem,
    PickStatus,
    Plan,
    Prediction,
    Process,
    Registration,
    Status,
    Valuation,
    Verdict,
    Version,
)

Path = Union[str, "os.PathLike[str]"]


def _flags(**options: Any) -> list[str]:
    """`--name value` for each option given (`True`: the flag alone; `None`/`False`: left out)."""
    arguments: list[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            arguments.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                arguments += [flag, os.fspath(item) if isinstance(item, os.PathLike) else str(item)]
        else:
            arguments += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return arguments


def _file(value: Optional[Path]) -> Optional[str]:
    return None if value is None else _inputs.path(value)


def _place(config: Optional[Path], ledger: Optional[Path] = None, key_file: Optional[Path] = None) -> list[str]:
    return _flags(config=_file(config), ledger=_file(ledger), key_file=_file(key_file))


# MARK: the gate


def plan(
    condition: Optional[str] = None,
    *,
    reliability: Optional[float] = None,
    mode: Optional[str] = None,
    adaptivity: Optional[str] = None,
    steps: Optional[int] = None,
    variance_bound: Optional[float] = None,
    expected_disagreement: Optional[float] = None,
    test_size: Optional[int] = None,
    config: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Plan:
    """How many test examples and labels the condition needs (`easeml-ci plan`). Without
    `condition`, the question of `.easeml.yml`; the keywords override it. `expected_disagreement`
    (for `n - o` without a `d` clause) sizes the test set only, as an assumption."""
    arguments = ["plan"] + _place(config) + _flags(
        condition=condition, reliability=reliability, mode=mode, adaptivity=adaptivity, steps=steps,
        variance_bound=variance_bound, expected_disagreement=expected_disagreement, test_size=test_size,
    )
    return _cli.run(arguments, Plan.from_json, cwd=cwd)


def check(
    predictions: Any = None,
    *,
    ids: Optional[Sequence[Any]] = None,
    test_set: Optional[str] = None,
    branch: Optional[str] = None,
    junit: Optional[Path] = None,
    markdown: Optional[Path] = None,
    isolation: Optional[str] = None,
    script_timeout: Optional[float] = None,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    key_file: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Verdict:
    """Scores the new model on the sealed test set with the registered question (`easeml-ci check`).

    `predictions`: a path (CSV `id,label`, one label a line, JSONL or `.npy`), or a NumPy array or
    list of one class per test example, in the labels' order (or with `ids`). None runs the
    configured `script` in the sandbox (`isolation`: `auto`, `bwrap` or `process`;
    `script_timeout` in seconds), recorded in `Verdict.provenance`. A FAIL is a `Verdict` with
    `answer == "fail"`; an exhausted or retired set raises `TestSetExhausted`."""
    with Scratch() as scratch:
        file = None if predictions is None else _inputs.class_column(predictions, scratch, "predictions", ids=ids, header="prediction")
        arguments = ["check"] + _place(config, ledger, key_file) + _flags(
            predictions=file, test_set=test_set, branch=branch, junit=_file(junit), markdown=_file(markdown),
            isolation=isolation, script_timeout=script_timeout,
        )
        return _cli.run(arguments, Verdict.from_json, cwd=cwd)


def predict(
    commit: str,
    output: Path,
    *,
    inputs: Optional[Path] = None,
    isolation: Optional[str] = None,
    script_timeout: Optional[float] = None,
    trusted_script: bool = False,
    ledger_remote: Optional[str] = None,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Prediction:
    """CI's first phase (`easeml-ci predict`): runs the commit's `script` on the test inputs in the
    sandbox, with no key in reach, and writes the predictions to `output` and their manifest to
    `output` + `.easeml.json`. Refuses (`ConfigurationError`, kind `key`) while a key is within the
    script's reach, unless `trusted_script`. `check_commit(commit, output)` scores them."""
    arguments = ["predict", "--commit", commit, "--output", _inputs.path(output)] + _place(config, ledger) + _flags(
        inputs=_file(inputs), isolation=isolation, script_timeout=script_timeout, trusted_script=trusted_script,
        ledger_remote=ledger_remote,
    )
    return _cli.run(arguments, Prediction.from_json, cwd=cwd)


def check_commit(
    commit: str,
    predictions: Optional[Path] = None,
    *,
    branch: Optional[str] = None,
    junit: Optional[Path] = None,
    markdown: Optional[Path] = None,
    isolation: Optional[str] = None,
    script_timeout: Optional[float] = None,
    ledger: Optional[Path] = None,
    key_file: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> CommitVerdict:
    """Judges a commit as a CI candidate (`easeml-ci check --commit`), on the question the test set
    was registered with. `predictions`: the file `predict` wrote for this commit (its manifest must
    name the commit and the test set in use, else `ConfigurationError`); no repository code runs
    here. None runs the commit's own script here first, in the sandbox: the owner's one-command
    flow, which trusts the script. A commit that changes no registered model path nor .easeml.yml
    passes with no charge (`gate` None); the verdict is also attached as a git note."""
    arguments = ["check", "--commit", commit] + _place(None, ledger, key_file) + _flags(
        predictions=_file(predictions), branch=branch, junit=_file(junit), markdown=_file(markdown),
        isolation=isolation, script_timeout=script_timeout,
    )
    return _cli.run(arguments, CommitVerdict.from_json, cwd=cwd)


def status(
    *, plot: bool = True, limit: Optional[int] = None, modes: bool = False, config: Optional[Path] = None,
    ledger: Optional[Path] = None, cwd: Optional[Path] = None
) -> Status:
    """Every test set's budget and evaluations (`easeml-ci status`); with `plot`, the burn-down
    chart (`status --plot`) drawn in the same call, as `Status.svg`. `limit` keeps each set's newest
    evaluations (`evaluation_count` says how many there are); `modes` adds the steps each set still
    answering supports under each adaptivity mode (`steps_by_mode`)."""
    with Scratch() as scratch:
        chart = scratch.file("status.svg") if plot else None
        report = _cli.run(
            ["status"] + _place(config, ledger) + _flags(plot=chart, limit=limit, modes=modes), Status.from_json, cwd=cwd)
        if chart is not None:
            with open(chart, encoding="utf-8") as handle:
                report.svg = handle.read()
        return report


def key_generate(output: Path, *, cwd: Optional[Path] = None) -> Action:
    """The owner's new sealing key, written to `output` (mode 0600); the key is never returned."""
    return _cli.run(["key", "generate", "--output", _inputs.path(output)], Action.from_json, cwd=cwd)


def testset_add(
    labels: Any,
    *,
    ids: Optional[Sequence[Any]] = None,
    inputs: Optional[Path] = None,
    name: Optional[str] = None,
    force: bool = False,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    key_file: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Registration:
    """The owner registers a hidden test set for the question of `.easeml.yml` (`testset add`)."""
    with Scratch() as scratch:
        file = _inputs.class_column(labels, scratch, "labels", ids=ids)
        arguments = ["testset", "add"] + _place(config, ledger, key_file) + _flags(
            labels=file, inputs=_file(inputs), name=name, force=force
        )
        return _cli.run(arguments, Registration.from_json, cwd=cwd)


def baseline_set(
    predictions: Any,
    *,
    ids: Optional[Sequence[Any]] = None,
    branch: Optional[str] = None,
    commit: Optional[str] = None,
    test_set: Optional[str] = None,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    key_file: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Baseline:
    """The owner sets the old model of a branch (`baseline set`); `check` has no other way to name it."""
    with Scratch() as scratch:
        file = _inputs.class_column(predictions, scratch, "baseline", ids=ids, header="prediction")
        arguments = ["baseline", "set"] + _place(config, ledger, key_file) + _flags(
            predictions=file, branch=branch, commit=commit, test_set=test_set
        )
        return _cli.run(arguments, Baseline.from_json, cwd=cwd)


def version() -> Version:
    """The versions of the binary, libgit2 and SQLite it runs on."""
    return _cli.run(["version"], Version.from_json)


# MARK: the engines


def feasibility(
    X: Any = None,
    y: Any = None,
    *,
    target: Optional[float] = None,
    condition: Optional[str] = None,
    old_accuracy: Optional[float] = None,
    old_predictions: Any = None,
    labels_column: Optional[str] = None,
    metric: Optional[str] = None,
    scale: Optional[Sequence[str]] = None,
    seed: Optional[int] = None,
    halving: bool = False,
    halving_start: Optional[int] = None,
    halving_budget: Optional[float] = None,
    plot: bool = True,
    progress: Optional[bool] = None,
    config: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Feasibility:
    """The best accuracy the data allows and the verdict on the target (`easeml-ci feasibility`).

    `X`: a feature matrix (NumPy array), a path (CSV with a labels column, or `.npy`), or a list of
    either for several representations of the same examples; `y`: the labels of `.npy`/array
    features. Each is studied raw, standardized and min-max scaled unless `scale` names some of
    `none`, `standardize`, `minmax`. With `plot`, the convergence curve (`--plot`) as
    `Feasibility.svg`; `progress` shows a tqdm bar (None: when tqdm is installed)."""
    representations = X if isinstance(X, list) else [X]
    with Scratch() as scratch:
        data = [_inputs.feature_matrix(x, scratch, f"data{i + 1}") for i, x in enumerate(representations)]
        labels = None if y is None else _inputs.class_column(y, scratch, "labels")
        old = None if old_predictions is None else _inputs.class_column(old_predictions, scratch, "old", header="prediction")
        chart = scratch.file("feasibility.svg") if plot else None
        arguments = ["feasibility"] + _place(config) + _flags(
            data=data, labels=labels, labels_column=labels_column, target=target, condition=condition,
            old_accuracy=old_accuracy, old_predictions=old, metric=metric, scale=scale, seed=seed, halving=halving,
            halving_start=halving_start, halving_budget=halving_budget, plot=chart,
        )
        representations = len(data) * (len(scale) if scale else 3)
        steps = ["successive halving", "study of the winner"] if halving and representations > 1 else range(representations)
        bar = _progress.bar(progress, total=100, unit="%", description=f"feasibility ({len(steps)} step(s))")
        report = _cli.run(arguments, Feasibility.from_json, cwd=cwd, progress=bar)
        if chart is not None:
            with open(chart, encoding="utf-8") as handle:
                report.svg = handle.read()
        return report


def value(
    X_train: Any,
    y_train: Any = None,
    X_valid: Any = None,
    y_valid: Any = None,
    *,
    k: Optional[int] = None,
    metric: Optional[str] = None,
    standardize: bool = False,
    flag: Union[float, str, None] = None,
    folds: Optional[int] = None,
    seed: Optional[int] = None,
    labels_column: Optional[str] = None,
    cwd: Optional[Path] = None,
) -> Valuation:
    """The exact KNN-Shapley value of every training row, lowest first (`easeml-ci value`).

    Features are arrays (with their labels) or paths (CSV with a labels column, or `.npy` with
    labels). Without `X_valid` the training rows are cross-validated in `folds` folds (default 5,
    seeded by `seed`): no clean validation set is needed. `flag="auto"` flags every row with a
    negative value; a fraction such as `0.1` flags the lowest 10 %."""
    if X_valid is None and y_valid is not None:
        raise TypeError("value: y_valid without X_valid (leave both out to cross-validate)")
    with Scratch() as scratch:
        arguments = ["value"] + _flags(
            train=_inputs.feature_matrix(X_train, scratch, "train"),
            valid=None if X_valid is None else _inputs.feature_matrix(X_valid, scratch, "valid"),
            train_labels=None if y_train is None else _inputs.class_column(y_train, scratch, "train_labels"),
            valid_labels=None if y_valid is None else _inputs.class_column(y_valid, scratch, "valid_labels"),
            labels_column=labels_column, metric=metric, standardize=standardize, flag=flag, folds=folds, seed=seed,
        )
        if k is not None:
            arguments += ["-k", str(k)]
        return _cli.run(arguments, Valuation.from_json, cwd=cwd)


class PickSession:
    """A ModelPicker session on production data, kept in the ledger (`easeml-ci pick …`): ask
    `next()` for items to label, give `label({...})`, watch `status()`, end with `choose()`."""

    def __init__(
        self, name: Optional[str] = None, *, config: Optional[Path] = None, ledger: Optional[Path] = None, cwd: Optional[Path] = None
    ) -> None:
        self.name = name
        #: What `pick start` printed, for a session this process started.
        self.started: Optional[PickStatus] = None
        self._place = _place(config, ledger)
        self._cwd = cwd

    def _run(self, arguments: list[str], decode: Any) -> Any:
        return _cli.run(["pick", *arguments] + self._place + _flags(name=self.name), decode, cwd=self._cwd)

    def status(self) -> PickStatus:
        return self._run(["status"], PickStatus.from_json)

    def next(self, batch: int = 10) -> list[PickItem]:
        """The items to label now: pending ones first (asking again shows the same)."""
        return self._run(["next", "--batch", str(batch)], PickItem.list_from_json)

    def label(self, labels: Union[Mapping[Any, Any], Path]) -> PickStatus:
        """Records labels: a mapping of item id to class, or a CSV file of `id,label` lines."""
        with Scratch() as scratch:
            if isinstance(labels, Mapping):
                file = _inputs.class_column(list(labels.values()), scratch, "labels", ids=list(labels.keys()))
            else:
                file = _inputs.path(labels)
            return self._run(["label", file], PickStatus.from_json)

    def choose(self, model: Optional[str] = None) -> PickStatus:
        """Stops the session and records the model that serves from now on."""
        return self._run(["choose"] + _flags(model=model), PickStatus.from_json)


def pick_start(
    name: str,
    models: Union[Mapping[str, Any], Sequence[Path]],
    *,
    ids: Optional[Sequence[Any]] = None,
    inputs: Optional[Path] = None,
    seed: Optional[int] = None,
    gamma: Optional[float] = None,
    epsilon: Optional[float] = None,
    delta: Optional[float] = None,
    label_budget: Optional[int] = None,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> PickSession:
    """Starts a session choosing among `models`: a mapping of model name to its predictions on the
    pool (arrays or lists, with the pool's `ids`; default ids 0, 1, …), or prediction files. The
    session's `started` is what `pick start` printed."""
    with Scratch() as scratch:
        if isinstance(models, Mapping):
            files = []
            for model, predictions in models.items():
                column = list(predictions)
                pool = list(ids) if ids is not None else list(range(len(column)))
                files.append(_inputs.class_column(column, scratch, str(model), ids=pool, header="prediction"))
        else:
            files = [_inputs.path(m) for m in models]
        arguments = ["pick", "start", "--name", name] + _place(config, ledger) + _flags(
            inputs=_file(inputs), seed=seed, gamma=gamma, epsilon=epsilon, delta=delta, label_budget=label_budget
        )
        arguments += ["--models", *files]
        session = PickSession(name, config=config, ledger=ledger, cwd=cwd)
        session.started = _cli.run(arguments, PickStatus.from_json, cwd=cwd)
    return session


def automl_run(
    *,
    budget_trials: Optional[int] = None,
    budget_seconds: Optional[float] = None,
    resume: bool = False,
    run: Optional[str] = None,
    output: Optional[Path] = None,
    progress: Optional[bool] = None,
    config: Optional[Path] = None,
    ledger: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Leaderboard:
    """Runs the `automl:` search of `.easeml.yml` until its budget is spent (`automl run`); a
    tqdm bar counts the trials (None: when tqdm is installed)."""
    arguments = ["automl", "run"] + _place(config, ledger) + _flags(
        budget_trials=budget_trials, budget_seconds=budget_seconds, resume=resume, run=run, output=_file(output)
    )
    bar = _progress.bar(progress, total=budget_trials, unit="trial", description="automl")
    return _cli.run(arguments, Leaderboard.from_json, cwd=cwd, progress=bar)


def automl_leaderboard(
    run: Optional[str] = None, *, config: Optional[Path] = None, ledger: Optional[Path] = None, cwd: Optional[Path] = None
) -> Leaderboard:
    """A run's trials ranked, best first (default: the newest run)."""
    arguments = ["automl", "leaderboard"] + _place(config, ledger) + _flags(run=run)
    return _cli.run(arguments, Leaderboard.from_json, cwd=cwd)


def next_step(*, config: Optional[Path] = None, ledger: Optional[Path] = None, cwd: Optional[Path] = None) -> Process:
    """Where the application stands in the eight steps of the Ease.ML process and the one step to
    take now, with the command and why (`easeml-ci next`)."""
    return _cli.run(["next"] + _place(config, ledger), Process.from_json, cwd=cwd)


def lineage(*, config: Optional[Path] = None, ledger: Optional[Path] = None, cwd: Optional[Path] = None) -> Lineage:
    """The application's data sets and every recorded engine run, stale ones marked (`easeml-ci lineage`)."""
    return _cli.run(["lineage"] + _place(config, ledger), Lineage.from_json, cwd=cwd)


def debug(
    production: Any,
    predictions: Any,
    *,
    train: Optional[Path] = None,
    valid: Optional[Path] = None,
    labels_column: Optional[str] = None,
    k: Optional[int] = None,
    config: Optional[Path] = None,
    cwd: Optional[Path] = None,
) -> Debugging:
    """Where the deployed model's mistakes on labelled production items come from (`easeml-ci debug`):
    `production` a CSV path (features and the true class), `predictions` a path or a sequence of
    predicted classes in the same order; training and validation default to `application:`."""
    with Scratch() as scratch:
        predicted = _inputs.class_column(predictions, scratch, "predictions")
        arguments = ["debug", "--production", _inputs.path(production), "--predictions", predicted] + _place(config) + _flags(
            train=_file(train), valid=_file(valid), labels_column=labels_column, k=k)
        return _cli.run(arguments, Debugging.from_json, cwd=cwd)


def ingest_documents(
    input: Path,
    output: Path,
    *,
    labels: Optional[Path] = None,
    on_error: Optional[str] = None,
    cwd: Optional[Path] = None,
) -> DocumentTable:
    """A folder of .pdf, .docx, .html and .txt documents into one table (`easeml-ci ingest
    documents`): id (path), text, label (sub-folder name or `labels` CSV) and source; `on_error`
    "skip" leaves out documents no converter can read instead of refusing the folder."""
    arguments = ["ingest", "documents", "--input", _inputs.path(input), "--output", _inputs.path(output)] + _flags(
        labels=_file(labels), on_error=on_error)
    return _cli.run(arguments, DocumentTable.from_json, cwd=cwd)


def ingest_table(
    input: Path,
    output: Path,
    *,
    label: Optional[str] = None,
    encoding: Optional[Path] = None,
    candidates: bool = False,
    max_categories: Optional[int] = None,
    cwd: Optional[Path] = None,
) -> Ingestion:
    """A CSV or JSON Lines table into the features the engines read (`easeml-ci ingest table`):
    numeric columns standardized, categorical ones one-hot, text left out, missing cells kept; with
    `encoding`, the encoding of another table applied; with `candidates`, candidate repairs."""
    arguments = ["ingest", "table", "--input", _inputs.path(input), "--output", _inputs.path(output)] + _flags(
        label=label, encoding=_file(encoding), candidates=candidates, max_categories=max_categories)
    return _cli.run(arguments, Ingestion.from_json, cwd=cwd)


def ingest_augment(
    input: Path, output: Path, *, factor: Optional[float] = None, k: Optional[int] = None, seed: Optional[int] = None,
    text: Optional[str] = None, rate: Optional[float] = None, cwd: Optional[Path] = None,
) -> Augmentation:
    """More training rows (`easeml-ci ingest augment`): by interpolation within each class, or with
    `text` a column name, by perturbing that text (random word deletion and swap at `rate`); the
    output is marked as augmented data, which validation and test inputs refuse."""
    arguments = ["ingest", "augment", "--input", _inputs.path(input), "--output", _inputs.path(output)] + _flags(
        factor=factor, k=k, seed=seed, text=text, rate=rate)
    return _cli.run(arguments, Augmentation.from_json, cwd=cwd)

