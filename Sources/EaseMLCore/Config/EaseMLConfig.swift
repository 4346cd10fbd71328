/// The contents of a `.easeml.yml` file (DESIGN §3), validated.
///
/// Build one with `ConfigLoader`, which accepts both the named-key form and the original
/// ease.ml/ci positional form (`ml:` followed by one-key maps). Every value here has been
/// checked: `reliability` lies in (0, 1), `steps` in 1...1,000,000, and so on.
///
/// | key | field | required | default |
/// |---|---|---|---|
/// | `script` | `script` | no | `nil` |
/// | `condition` | `condition`, `conditionText` | yes | |
/// | `reliability` | `reliability` | yes | |
/// | `mode` | `mode` | no | `fp-free` |
/// | `adaptivity` | `adaptivity`, `hiddenResultAddress` | no | `full`, `nil` |
/// | `steps` | `steps` | no | 1 |
/// | `email` | `email` | no | `nil` |
/// | `data_mode` | `dataMode` | no | `nil` |
/// | `variance_bound` | `varianceBound` | no | `nil` |
/// | `expected_disagreement` | `expectedDisagreement` | no | `nil` |
/// | `models` | `modelPaths` | no | `[]` |
/// | `test_set` | `testSet` | no | `nil` |
/// | `ledger` | `ledger` | no | `nil` |
/// | `ledgerRemote` | `ledger_remote` | no | `nil` |
/// | `feasibility` | `feasibility_data`, `feasibility_labels`, `feasibility_block`, `feasibility_old_accuracy` | no | `nil` |
/// | `automl` | `automl` (a mapping, see `AutoMLSettings`) | no | `nil` |
public struct EaseMLConfig: Sendable, Equatable {
    /// The command that writes the model's predictions for the test inputs (key `script`),
    /// run from the repository root. It never receives labels. `nil` when not configured.
    public var script: String?

    /// The parsed test condition (key `condition`, DSL of DESIGN §4). Required.
    public var condition: Condition

    /// The condition exactly as the YAML scalar reads (after YAML's own unquoting and line
    /// folding), for messages and for re-parsing.
    public var conditionText: String

    /// 1 − δ: the probability that *every* verdict over the whole life of one test set (all
    /// `steps` evaluations) is correct (key `reliability`). A number in the open interval
    /// (0, 1), e.g. `0.9999`; a percentage such as `99.99%` is also accepted. Required.
    public var reliability: Double

    /// What an inconclusive clause counts as (key `mode`): `fp-free` (Unknown → fail, the
    /// default, so no false pass) or `fn-free` (Unknown → pass).
    public var mode: DecisionMode

    /// How much a developer learns from each verdict (key `adaptivity`): `none`, `full` or
    /// `firstChange` (`hybrid` is read as `firstChange`). Spelled exactly, case included.
    /// Defaults to `full`, the mode that assumes the most leakage and so is always safe.
    public var adaptivity: Adaptivity

    /// H, the number of evaluations one test set supports before it is retired (key `steps`):
    /// a whole number from 1 to 1,000,000. Defaults to 1, a single-use test set, the only
    /// value that needs no assumption about how the test set will be used.
    public var steps: Int

    /// Where hidden verdicts go when `adaptivity` is `none` (written `none -> address`, the
    /// original tool's syntax): typically an e-mail address of the integration owner.
    /// `nil` when not given; never set for other adaptivity modes.
    public var hiddenResultAddress: String?

    /// The integration owner's e-mail address (key `email`), for notifications. Must
    /// contain `@`. `nil` when not given.
    public var email: String?

    /// The original ease.ml/ci `data_mode` value, kept verbatim and not interpreted.
    /// `nil` when not given.
    public var dataMode: String?

    /// An upper bound p on the probability that the new and old model disagree on a test
    /// point (key `variance_bound`), in (0, 1]. The planner may use it as an *assumption*
    /// to bound the variance of n − o (DESIGN §5, Pattern 1); it is not checked against data
    /// here. `nil` when not given.
    public var varianceBound: Double?

    /// The share of examples on which the owner expects a new model and the baseline to differ in
    /// correctness (key `expected_disagreement`), in (0, 1]. Used only to size the test set for an
    /// `n - o` clause without a `d` clause: an assumption that changes N, never the guarantee of a
    /// verdict (the conditional paired test holds at every rate). `nil` when not given.
    public var expectedDisagreement: Double?

    /// Path globs, relative to the repository root, naming the files that make up the model
    /// (key `models`, one string or a list of strings). A commit that changes a matching
    /// file (or the config) is a candidate for a check. Empty when not given.
    public var modelPaths: [String]

    /// Where the test-set store lives (key `test_set`), a path relative to the repository
    /// root or absolute. `nil` means the tool's default location.
    public var testSet: String?

    /// Where the ledger database lives (key `ledger`), a path relative to the repository
    /// root or absolute. `nil` means the tool's default location.
    public var ledger: String?

    /// The git remote the ledger travels with (key `ledger_remote`, e.g. `origin`): its history
    /// lives in the ref `refs/easeml/ledger` there, updated only by fast-forward pushes, so
    /// ephemeral CI runners share one budget. `nil` keeps the ledger local.
    public var ledgerRemote: String?

    /// The feasibility study the pre-commit hook runs when `.easeml.yml` or this data changes
    /// (keys `feasibility_data`, `feasibility_labels`, `feasibility_block`, `feasibility_old_accuracy`);
    /// `nil` when not set.
    public var feasibility: FeasibilityCheck?

    /// The model search of `easeml-ci automl` (key `automl`); `nil` when not set.
    public var automl: AutoMLSettings?

    /// What a FAIL tells the developer (key `reveal`): the verdict only (default), or which
    /// clauses failed, charged as the bits that reveals (adaptivity `full` only).
    public var reveal: RevealLevel

    /// The application's data sets and target accuracy (key `application`); `nil` when not set.
    public var application: ApplicationSettings?

    /// Creates a configuration. Values are stored as given; `ConfigLoader` is what validates
    /// them when reading a file.
    public init(
        script: String? = nil, condition: Condition, conditionText: String, reliability: Double,
        mode: DecisionMode = .fpFree, adaptivity: Adaptivity = .full, steps: Int = 1,
        hiddenResultAddress: String? = nil, email: String? = nil, dataMode: String? = nil,
        varianceBound: Double? = nil, expectedDisagreement: Double? = nil, modelPaths: [String] = [], testSet: String? = nil,
        ledger: String? = nil, ledgerRemote: String? = nil, feasibility: FeasibilityCheck? = nil,
        automl: AutoMLSettings? = nil, reveal: RevealLevel = .verdict, application: ApplicationSettings? = nil
    ) {
        self.reveal = reveal
        self.application = application
        self.script = script
        self.condition = condition
        self.conditionText = conditionText
        self.reliability = reliability
        self.mode = mode
        self.adaptivity = adaptivity
        self.steps = steps
        self.hiddenResultAddress = hiddenResultAddress
        self.email = email
        self.dataMode = dataMode
        self.varianceBound = varianceBound
        self.expectedDisagreement = expectedDisagreement
        self.modelPaths = modelPaths
        self.testSet = testSet
        self.ledger = ledger
        self.ledgerRemote = ledgerRemote
        self.feasibility = feasibility
        self.automl = automl
    }

    /// δ = 1 − `reliability`: the failure probability over the whole life of a test set.
    public var delta: Double { 1 - reliability }
}

/// What the pre-commit hook's feasibility study reads, and whether an infeasible condition blocks.
public struct FeasibilityCheck: Sendable, Equatable {
    /// Labelled feature files (CSV or `.npy`), relative to the repository root: one per
    /// representation of the same examples.
    public var dataPaths: [String]
    /// The label column's name (`nil`: the last column).
    public var labelsColumn: String?
    /// Block the commit (instead of warning) when the condition asks for more than the data can give.
    public var blocks: Bool
    /// The old (accepted) model's accuracy on the team's own validation data, which turns an
    /// `n - o > c` clause into the target accuracy old + c; `nil` when not given.
    public var oldAccuracy: Double?

    public init(dataPaths: [String], labelsColumn: String?, blocks: Bool, oldAccuracy: Double? = nil) {
        self.dataPaths = dataPaths
        self.labelsColumn = labelsColumn
        self.blocks = blocks
        self.oldAccuracy = oldAccuracy
    }
}

