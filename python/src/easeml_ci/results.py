"""The results of the API: dataclasses over the command line's `--json` documents
(`schemas/*.schema.json`). Field names are the documents' keys in snake_case; `raw` keeps the
whole document, so a field the binary adds later is readable before this package names it."""

from __future__ import annotations

import dataclasses
import sys
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional, Union

from . import display


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_ACRONYMS = {"test_set_id": "testSetID", "predictions_sha256": "predictionsSHA256"}


def decode(cls: Any, value: Any) -> Any:
    """`value` (parsed JSON) as an instance of the annotation `cls`: dataclasses by their fields'
    camelCase keys (a missing key leaves the field's default), lists and optionals element-wise."""
    origin = typing.get_origin(cls)
    if origin is Union:
        if value is None:
            return None
        inner = [a for a in typing.get_args(cls) if a is not type(None)]
        return decode(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        (element,) = typing.get_args(cls)
        return [decode(element, v) for v in value]
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        given = {}
        for f in dataclasses.fields(cls):
            if f.name == "raw":
                given["raw"] = value
                continue
            key = f.metadata.get("key") or _ACRONYMS.get(f.name) or _camel(f.name)
            if key in value:
                given[f.name] = decode(hints[f.name], value[key])
        return cls(**given)
    if cls is datetime and isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if cls is float and isinstance(value, (int, str)):
        return float(value)  # JSON writes 1.0 as 1; infinities as "inf"
    return value


def _raw() -> Any:
    return field(default_factory=dict, repr=False, compare=False)


class Document:
    """A result decoded from one command's JSON document."""

    @classmethod
    def from_json(cls, document: Any) -> Any:
        return decode(cls, document)


# MARK: plan


@dataclass
class Budget:
    adaptivity: str
    reliability: float
    steps: int
    clauses: int
    bits_per_answer: int = 1


@dataclass
class ClausePlan:
    clause_index: int
    method: str
    sample_size: int
    raw_sample_size: float
    note: Optional[str] = None


@dataclass
class MethodPlan:
    method: str
    applies: bool
    sample_size: int
    raw_sample_size: float
    #: The labels the method needs, as the binary states it (e.g. `{"disagreementsOnly": {...}}`).
    labels: Any = None
    clauses: list[ClausePlan] = field(default_factory=list)

    @property
    def label_count(self) -> int:
        """How many test examples need labels (an upper or expected count, see `labels`)."""
        if not isinstance(self.labels, dict) or not self.labels:
            return 0
        (inner,) = self.labels.values()
        return int(next(iter(inner.values()), 0)) if isinstance(inner, dict) else 0


@dataclass
class StepSupport:
    steps: int
    bits: float
    reached_limit: bool
    adaptivity: str


@dataclass
class ClauseTolerance:
    clause_index: int
    clause: str
    tolerance: float
    smallest: Optional[float] = None


@dataclass
class Plan(Document):
    """`easeml-ci plan`: the test-set size every method needs, the chosen (tightest) one."""

    condition: str
    mode: str
    chosen: str
    reason: str
    log_delta_per_clause: float
    budget: Budget
    methods: list[MethodPlan]
    variance_bound: Optional[dict] = None
    test_size: Optional[int] = None
    supported_steps: Optional[StepSupport] = None
    supported_steps_hoeffding: Optional[StepSupport] = None
    expected_disagreement: Optional[float] = None
    steps_by_mode: Optional[list[StepSupport]] = None
    smallest_tolerances: Optional[list[ClauseTolerance]] = None
    raw: dict = _raw()

    @classmethod
    def from_json(cls, document: Any) -> "Plan":
        plan = decode(cls, {**document["plan"], **{k: v for k, v in document.items() if k != "plan"}})
        plan.raw = document
        return plan

    @property
    def chosen_plan(self) -> MethodPlan:
        return next(m for m in self.methods if m.method == self.chosen)

    @property
    def sample_size(self) -> int:
        """N of the chosen method: the test examples the condition needs."""
        return self.chosen_plan.sample_size

    @property
    def labels(self) -> int:
        return self.chosen_plan.label_count

    def _repr_html_(self) -> str:
        return display.plan_html(self)


# MARK: predict and check


@dataclass
class Protections:
    """What was in force while a commit's script ran: `isolation` `bwrap` or `process`, the
    protections by name (`easeml-ci predict --help` describes each)."""

    isolation: str
    timeout_seconds: float
    in_force: list[str]
    not_in_force: list[str]


@dataclass
class Provenance:
    """Where a check's predictions came from: `script` (ran here, in `sandbox`) or `predict` (the
    file `easeml-ci predict` made; its manifest verified, its `sandbox` as the manifest reports)."""

    source: str
    manifest: Optional[str] = None
    predictions_sha256: Optional[str] = None
    sandbox: Optional[Protections] = None


@dataclass
class Prediction(Document):
    """`easeml-ci predict`: CI's first phase, with no key in reach. The commit's script wrote
    `predictions`, and `manifest` (FILE.easeml.json) binds them to the commit and the test set for
    `check_commit`. A commit that is no candidate ran nothing: an empty file, no `sandbox`."""

    commit: str
    test_set: str
    candidate: bool
    relevant_paths: list[str]
    predictions: str
    manifest: str
    predictions_sha256: str
    trusted_script: bool
    sandbox: Optional[Protections] = None
    raw: dict = _raw()


@dataclass
class Verdict(Document):
    """`easeml-ci check`: the answer the developer may see and the test set's budget, no metrics.

    `answer` is `pass`, `fail`, `recorded` (adaptivity `none`: kept for the owner) or `refused`
    (raised as `TestSetExhausted`, which carries it)."""

    answer: str
    replay: bool
    test_set_id: str
    condition: str
    steps_used: int
    steps_left: int
    bits_left: float
    retired: bool
    step: Optional[int] = None
    message: Optional[str] = None
    failing_clauses: Optional[list[str]] = None
    ledger_event: Optional[int] = None
    ledger_head: Optional[str] = None
    #: Where the predictions came from: a script run here, or `predict`'s artifact under
    #: `check_commit` (None for a predictions file given to `check`).
    provenance: Optional[Provenance] = None
    raw: dict = _raw()

    @property
    def passed(self) -> bool:
        return self.answer == "pass"

    def __str__(self) -> str:
        step = f"step {self.step}, " if self.step is not None else ""
        replay = " (replay: no new charge)" if self.replay else ""
        return f"{self.answer.upper()}  {self.condition}  ({step}{self.steps_left} steps left){replay}"

    def _repr_html_(self) -> str:
        return display.verdict_html(self)


@dataclass
class CommitVerdict(Document):
    """`easeml-ci check --commit`: a commit judged as a CI candidate. `gate` is the `Verdict` of a
    candidate (one that changes a registered model path or .easeml.yml); a non-candidate passes
    with no charge and has none."""

    commit: str
    summary: str
    candidate: bool
    relevant_paths: list[str]
    gate: Optional[Verdict] = None
    raw: dict = _raw()

    @property
    def passed(self) -> bool:
        return self.gate is None or self.gate.passed

    @property
    def message(self) -> Optional[str]:
        return self.gate.message if self.gate else None

    def __str__(self) -> str:
        return f"{self.commit[:7]}  " + (str(self.gate) if self.gate else "PASS  no model change (no test-set use)")

    def _repr_html_(self) -> str:
        return display.verdict_html(self.gate, commit=self.commit)


# MARK: status


@dataclass
class Evaluation:
    step: int
    at: datetime
    model: str
    verdict: str


@dataclass
class TestSetStatus:
    __test__ = False  # not a pytest test class

    id: str
    name: str
    size: int
    adaptivity: str
    reliability: float
    condition: str
    steps: int
    steps_used: int
    steps_left: int
    bits_used: float
    bits_left: float
    retired: bool
    forced: bool
    outlook: str
    question: str = ""
    amendments: int = 0
    retired_reason: Optional[str] = None
    evaluations: list[Evaluation] = field(default_factory=list)
    #: How many evaluations the set has in all (more than `evaluations` when `limit` paged them).
    evaluation_count: int = 0
    #: With `modes=True`, for a set still answering: the steps its size supports under each mode.
    steps_by_mode: Optional[list[StepSupport]] = None


@dataclass
class Status(Document):
    """`easeml-ci status`: every test set's steps and bits used and left, the evaluations so far;
    `svg` is the burn-down chart (`status --plot`) drawn by the same call."""

    ledger: str
    test_sets: list[TestSetStatus]
    svg: Optional[str] = field(default=None, repr=False)
    raw: dict = _raw()

    def _repr_html_(self) -> str:
        return display.status_html(self)


# MARK: feasibility


@dataclass
class FeasibilityEntry:
    file: str
    #: The estimate: `accuracyCeiling`, `bayesErrorBound`, `nearestNeighborError`, `curve`, ….
    estimate: dict
    seconds: float
    verdict: Optional[str] = None
    verdict_text: Optional[str] = None

    @property
    def accuracy_ceiling(self) -> float:
        return float(self.estimate["accuracyCeiling"])


@dataclass
class Feasibility(Document):
    """`easeml-ci feasibility`: the best accuracy the data allows and the verdict on the target;
    `svg` is the convergence curve (`feasibility --plot`)."""

    #: One per representation: each file raw, standardized and min-max scaled (or `scale=`).
    entries: list[FeasibilityEntry]
    best: int
    #: Infeasible only above this: the upper end of the ceiling's interval.
    upper_ceiling: Optional[float] = None
    representations: Optional[int] = None
    confidence: Optional[float] = None
    target: Optional[float] = None
    target_source: Optional[str] = None
    target_note: Optional[str] = None
    old_accuracy: Optional[float] = None
    verdict: Optional[str] = None
    verdict_text: Optional[str] = None
    halving: Optional[dict] = None
    svg: Optional[str] = field(default=None, repr=False)
    raw: dict = _raw()

    @property
    def best_name(self) -> str:
        """The best representation's name, e.g. `data.csv (standardized)`."""
        return str(self.entries[self.best].estimate.get("name", self.entries[self.best].file))

    @property
    def accuracy_ceiling(self) -> float:
        """The best representation's estimated accuracy ceiling (1 − the Bayes-error bound)."""
        return self.entries[self.best].accuracy_ceiling

    def _repr_html_(self) -> str:
        return display.feasibility_html(self)


# MARK: value


@dataclass
class ValuedRow:
    rank: int
    index: int
    label: str
    value: float
    flagged: bool


@dataclass
class Ranking:
    training: str
    validation: str
    total: float
    rows: list[ValuedRow]


@dataclass
class Valuation(Document):
    """`easeml-ci value`: the exact KNN-Shapley value of every training row, lowest first."""

    k: int
    metric: str
    training_rows: int
    validation_rows: int
    representations: list[Ranking]
    #: The folds of the cross-validation when no validation set was given, else None.
    folds: Optional[int] = None
    #: How rows were flagged: "fraction" or "auto" (None: none flagged).
    flag_rule: Optional[str] = None
    raw: dict = _raw()

    @property
    def flagged(self) -> list[int]:
        """The flagged training rows (0-based) of the first representation, lowest value first."""
        return [row.index for row in self.representations[0].rows if row.flagged]


# MARK: pick


@dataclass
class PickModel:
    name: str
    estimated_loss: float
    belief: float


@dataclass
class PickGuarantee:
    status: str
    epsilon: float
    delta: float
    draws: int
    labels: int
    statement: str
    model: Optional[str] = None


@dataclass
class PickLabelSplit:
    """Who asked for the session's labels: ModelPicker and the stopping rule share the budget."""

    model_picker: int
    stopping_rule: int
    both: int


@dataclass
class PickStatus(Document):
    """`easeml-ci pick status` (and `start`, `label`, `choose`): the current best, the labels
    used and the certified guarantee reached so far."""

    session: str
    status: str
    best: list[str]
    models: list[PickModel]
    labels_used: int
    label_budget: int
    pending: int
    stream_position: int
    pool_size: int
    disagreement_items: int
    seed: int
    gamma: float
    guarantee: PickGuarantee
    label_split: Optional[PickLabelSplit] = None
    stop_reason: Optional[str] = None
    chosen: Optional[str] = None
    raw: dict = _raw()


@dataclass
class PickItem:
    id: str
    inputs: dict = field(default_factory=dict)

    @classmethod
    def list_from_json(cls, document: list) -> list["PickItem"]:
        return decode(list[PickItem], document)


# MARK: automl


@dataclass
class LeaderboardRow:
    arm: str
    state: str
    trial: int
    rank: Optional[int] = None
    score: Optional[float] = None
    seconds: Optional[float] = None
    reason: Optional[str] = None


@dataclass
class Leaderboard(Document):
    """`easeml-ci automl run` / `automl leaderboard`: a run's trials, best first."""

    run: str
    status: str
    metric: str
    policy: str
    rows: list[LeaderboardRow]
    raw: dict = _raw()

    @property
    def best(self) -> Optional[LeaderboardRow]:
        return next((row for row in self.rows if row.rank == 1), None)


# MARK: the owner's commands


@dataclass
class Action(Document):
    """What a command that only acts printed (`key generate`, `testset retire`, …)."""

    action: str
    messages: list[str]
    paths: Optional[list[str]] = None
    test_set: Optional[str] = None
    commit: Optional[str] = None
    raw: dict = _raw()


@dataclass
class Registration(Document):
    """`easeml-ci testset add`: the registered set and the steps it supports."""

    id: str
    name: str
    size: int
    classes: int
    adaptivity: str
    steps: int
    method: str
    planned_size: int
    forced: bool
    supported_steps: Optional[int] = None
    supported_bits: Optional[float] = None
    raw: dict = _raw()


@dataclass
class Baseline(Document):
    """`easeml-ci baseline set`: the owner's old model of a branch."""

    model: str
    test_set: str
    branch: Optional[str] = None
    commit: Optional[str] = None
    raw: dict = _raw()


@dataclass
class Version(Document):
    easeml_ci: str = field(metadata={"key": "easeml_ci"})
    libgit2: str
    sqlite: str


# MARK: the process


@dataclass
class ProcessStep:
    number: int
    name: str
    phase: str
    #: "not started", "done", "stale", "blocked" or "not applicable".
    state: str
    evidence: str


@dataclass
class Recommendation:
    step: int
    name: str
    command: str
    why: str


@dataclass
class Process(Document):
    """`easeml-ci next`: the eight steps of the Ease.ML process with their state and evidence, and
    the one step to take now (`recommendation`, None when every applicable step is done)."""

    steps: list[ProcessStep]
    recommendation: Optional[Recommendation] = None
    raw: dict = _raw()


@dataclass
class LineageFile:
    path: str
    role: str
    recorded_hash: str
    current_hash: Optional[str] = None
    changed: bool = False


@dataclass
class LineageRun:
    id: int
    step: str
    command: str
    decision: str
    recorded_at: str
    inputs: list[LineageFile]
    outputs: list[LineageFile]
    upstream: list[int]
    stale: bool
    stale_because: list[str]


@dataclass
class DataSet:
    role: str
    path: str
    hash: Optional[str] = None


@dataclass
class Lineage(Document):
    """`easeml-ci lineage`: the application's data sets and every recorded engine run, stale ones
    marked (`stale`, `stale_because`)."""

    data_sets: list[DataSet]
    runs: list[LineageRun]
    raw: dict = _raw()


@dataclass
class DebugAction:
    #: "relabel", "clean" or "acquire".
    action: str
    #: The fraction of the mistakes it explains.
    share: float
    #: Training rows to relabel or clean; production rows around which to acquire.
    rows: list[int]
    why: str


@dataclass
class Debugging(Document):
    """`easeml-ci debug`: where the deployed model's production mistakes come from, and the actions
    ranked by the share of mistakes each explains (`recommendations`)."""

    production_rows: int
    mistake_count: int
    k: int
    far_threshold: float
    #: Each mistake: row, truth, predicted, nearestTrainingDistance, far, suspectNeighbours, incompleteNeighbours.
    mistakes: list[dict]
    #: Training rows with a negative KNN-Shapley value on the mistakes, most harmful first.
    harmful: list[dict]
    absorbing: list[dict]
    recommendations: list[DebugAction]
    raw: dict = _raw()


# MARK: ingestion


@dataclass
class IngestedColumn:
    name: str
    #: "numeric" (standardized), "categorical" (one-hot) or "text" (left out).
    kind: str
    missing: int
    outputs: list[str]


@dataclass
class WrittenFile:
    role: str
    path: str
    sha256: str


@dataclass
class Ingestion(Document):
    """`easeml-ci ingest table`: the columns as typed and encoded, and the files written
    (`features.csv`, `encoding.json`, with `candidates=True` the candidate repairs)."""

    input: str
    rows: int
    label: str
    columns: list[IngestedColumn]
    missing_cells: int
    rows_with_missing_cells: int
    unseen_categories: int
    fitted: bool
    outputs: list[WrittenFile]
    raw: dict = _raw()

    def path(self, role: str) -> str:
        """The path of the output with this role (`features`, `encoding`, `candidates`, …)."""
        return next(output.path for output in self.outputs if output.role == role)


@dataclass
class SkippedFile:
    path: str
    reason: str


@dataclass
class DocumentTable(Document):
    """`easeml-ci ingest documents`: a folder of documents as one table (`documents.csv`: id, text,
    label, source), with the documents per format and label and the files skipped or ignored."""

    input: str
    documents: int
    by_format: dict
    by_label: dict
    unlabelled: int
    skipped: list[SkippedFile]
    ignored: list[str]
    outputs: list[WrittenFile]
    raw: dict = _raw()

    @property
    def table(self) -> str:
        """The path of `documents.csv`."""
        return next(output.path for output in self.outputs if output.role == "documents")


@dataclass
class Augmentation(Document):
    """`easeml-ci ingest augment`: synthetic rows added (within each class, or perturbed texts), and the files written."""

    input: str
    #: "smote" (features interpolated within a class) or "text" (a text column perturbed).
    method: str
    rows: int
    synthetic_rows: int
    seed: int
    by_class: dict
    outputs: list[WrittenFile]
    k: Optional[int] = None
    rate: Optional[float] = None
    raw: dict = _raw()

