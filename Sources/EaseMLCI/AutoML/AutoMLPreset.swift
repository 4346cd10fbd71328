import EaseMLCore
import EaseMLGit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl init --preset sklearn`: a documented scikit-learn trial script and the matching
/// `automl:` section of `.easeml.yml`.
///
/// The section is appended to an existing configuration (nothing else in it changes); an existing
/// `automl:` section, or an existing script, is replaced only with `force`. The merged file is
/// parsed before anything is written, and the script is written before the configuration that
/// refers to it.
public struct AutoMLPreset: Sendable {
    /// The presets `--preset` accepts.
    public static let names = ["sklearn"]
    public static let defaultScriptName = "automl_sklearn.py"
    /// The interpreter `python:` names by default.
    public static let defaultPython = AutoMLSettings.defaultPython

    /// Where the configuration is (created when absent).
    public var configPath: String
    /// The script's path; in the commands it is written relative to the configuration's folder
    /// when it lies below it.
    public var scriptPath: String
    public var train: String
    public var valid: String
    /// The label column of the CSV files.
    public var label: String
    /// The interpreter (`python:`).
    public var python: String
    public var trials: Int
    public var force: Bool

    public init(configPath: String, scriptPath: String, train: String, valid: String, label: String, python: String, trials: Int, force: Bool) {
        self.configPath = configPath
        self.scriptPath = scriptPath
        self.train = train
        self.valid = valid
        self.label = label
        self.python = python
        self.trials = trials
        self.force = force
    }

    /// The candidates and their grids: every scale-sensitive family with and without a scaler,
    /// strong cheap arms first, so that a search without history (arms in file order) and a short
    /// budget still meets them early.
    public static let candidates: [(name: String, grid: [(parameter: String, values: String)])] = [
        ("svm", [("scaler", "[none, standard]"), ("C", "[10, 1, 100]")]),
        ("knn", [("scaler", "[none, standard]"), ("n_neighbors", "[1, 3, 5, 9]"), ("weights", "[distance, uniform]")]),
        ("logreg", [("scaler", "[standard, none]"), ("C", "[1, 0.1, 10]")]),
        ("random_forest", [("n_estimators", "[300]"), ("max_features", "[sqrt, 0.3]")]),
        ("extra_trees", [("n_estimators", "[300]"), ("max_features", "[sqrt, 0.3]")]),
        ("gradient_boosting", [("learning_rate", "[0.1, 0.05, 0.2]"), ("max_leaf_nodes", "[31, 15]")]),
    ]

    /// Every arm of the preset.
    public static var armCount: Int {
        candidates.map { $0.grid.map { $0.values.filter { $0 == "," }.count + 1 }.reduce(1, *) }.reduce(0, +)
    }

    /// The model file a proposal commits, below the first folder of `models:`.
    public static let modelFileName = "automl-model.pkl"

    /// What was written.
    public struct Result: Sendable, Equatable, Codable {
        public var scriptPath: String
        public var configPath: String
        /// True when the configuration did not exist and was created (with the default gate).
        public var createdConfiguration: Bool
        /// True when an earlier `automl:` section was replaced.
        public var replacedSection: Bool
        /// The `script:` line added (nil when the configuration had one: it is kept).
        public var addedScript: String?
        /// The `models:` line added (nil when the configuration named its models: they are kept).
        public var addedModels: String?
        /// Where `automl propose` commits the chosen model, relative to the configuration's folder.
        public var modelPath: String
        /// The `.gitignore` that now ignores `.easeml/` (nil when it already did).
        public var gitignore: String?

        /// What `automl init` prints.
        public var text: String {
            var lines: [String] = []
            if createdConfiguration {
                lines.append("created \(configPath) with the default gate of `easeml-ci init` (edit its condition, reliability and steps, then `easeml-ci plan`)")
            }
            lines.append("wrote \(scriptPath)")
            if !createdConfiguration {
                lines.append((replacedSection ? "replaced the automl: section of " : "added an automl: section to ") + configPath)
            }
            if let addedScript {
                lines.append("\(createdConfiguration ? "its" : "added") \(addedScript): the gate predicts with the model `automl propose` commits as \(modelPath)")
            } else {
                lines.append("kept the configuration's `script:`; `automl propose` commits the model as \(modelPath)")
            }
            if let addedModels {
                lines.append("added \(addedModels): a commit that changes a model there is a candidate the gate judges")
            }
            if let gitignore { lines.append("added `.easeml/` (trial folders) to \(gitignore)") }
            lines.append("next: easeml-ci automl plan, then easeml-ci automl run, then easeml-ci automl propose")
            return lines.joined(separator: "\n")
        }
    }

    /// Installs the preset into the configuration of `workspace` (its `--config`, else the
    /// `.easeml.yml` found from its folder); when there is none, creates it — at `--config`, else at
    /// the root of the git repository (or the folder) — with the default gate of `easeml-ci init`.
    /// The script goes to `scriptPath` (relative to the working folder), else next to the
    /// configuration; `.easeml/` is added to the `.gitignore` beside the configuration.
    public static func install(
        in workspace: Workspace, scriptPath: String?, train: String, valid: String, label: String, python: String, trials: Int, force: Bool
    ) throws(EaseMLCIError) -> Result {
        let explicit = workspace.options.configPath.map(workspace.absolute)
        let configFile: String
        var existing: EaseMLConfig?
        if let explicit, !FileManager.default.fileExists(atPath: explicit) {
            configFile = explicit
        } else if let found = try Workspace(
            directory: workspace.directory, options: workspace.options, environment: workspace.environment, configuration: .ifPresent
        ).configuration {
            configFile = found.file.path
            existing = found.config
        } else {
            let root = (try? GitRepository.open(containing: workspace.directory.path))?.workTree
            configFile = (root.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? workspace.directory.path) + "/.easeml.yml"
        }
        let folder = URL(fileURLWithPath: configFile).deletingLastPathComponent()
        let script = scriptPath.map(workspace.absolute) ?? folder.appendingPathComponent(defaultScriptName).path
        return try AutoMLPreset(
            configPath: configFile, scriptPath: script, train: train, valid: valid, label: label, python: python, trials: trials, force: force
        ).install(existing: existing)
    }

    /// The configuration's path relative to its folder, when below it.
    func relative(_ path: String) -> String {
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent().standardizedFileURL.path
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return absolute.hasPrefix(folder + "/") ? String(absolute.dropFirst(folder.count + 1)) : absolute
    }

    /// The `automl:` section.
    public var section: String {
        let relative = relative(scriptPath)
        let lines = Self.candidates.map { candidate in
            "    - name: \(candidate.name)\n"
                + "      command: '{python} \(relative) \(candidate.name) --train {train} --valid {valid} --out {out_dir} --seed {seed}"
                + " --label \(label) " + candidate.grid.map { "\($0.parameter)={\($0.parameter)}" }.joined(separator: " ") + "'\n"
                + "      grid: {" + candidate.grid.map { "\($0.parameter): \($0.values)" }.joined(separator: ", ") + "}\n"
        }
        return """
            # Model search written by `easeml-ci automl init --preset sklearn`: each grid point of each
            # candidate is one trial of \(relative) (see its docstring for the trial contract), run by one
            # long-lived worker that imports scikit-learn once (`worker:`).
            # `easeml-ci automl plan` shows the search, `automl run` runs it, `automl propose` commits the best.
            \(relative.hasPrefix("/") ? "#" : "# Trials start in the folder easeml-ci runs in: run it from this file's folder (\(relative) is relative).")
            automl:
              train: \(Self.quoted(train))
              valid: \(Self.quoted(valid))
              budget: {trials: \(trials)}
              timeout: 900
              workers: 1
              policy: cost_gap
              python: \(Self.quoted(python))
              worker: '{python} \(relative) --worker'
              candidates:

            """ + lines.joined()
    }

    /// The `script:` value that predicts with a proposed model (`automl propose` commits it as
    /// `modelPath`), paths relative to the configuration's folder.
    public func scriptCommand(modelPath: String) -> String {
        Self.quoted("\(python) \(relative(scriptPath)) predict --model \(modelPath) --label \(label)")
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Writes the script and merges the section into the configuration `existing` (nil: creates
    /// it with the default gate), adding a `script:` when it has none and `.easeml/` to the
    /// `.gitignore` beside it. The merged text is loaded as every command loads it before anything
    /// is written.
    func install(existing: EaseMLConfig?) throws(EaseMLCIError) -> Result {
        if FileManager.default.fileExists(atPath: scriptPath) && !force {
            throw .unwritableFile(path: scriptPath, reason: "it exists; pass --force to overwrite it")
        }
        let modelPath = AutoMLProposalCommit.modelPath(models: existing?.modelPaths ?? ProjectInitializer.defaultModels)
        let scriptLine = "script: " + scriptCommand(modelPath: modelPath)
        var merged: String
        var replaced = false
        var addedScript: String?
        var addedModels: String?
        if let existing {
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw .configurationNotFound(searchedFrom: URL(fileURLWithPath: configPath).deletingLastPathComponent().path)
            }
            (merged, replaced) = try merge(String(decoding: data, as: UTF8.self))
            // Without `models:` no commit is a candidate: the proposal's model folder becomes one.
            var preamble = ""
            if existing.modelPaths.isEmpty {
                addedModels = "models: " + ProjectInitializer.quotedList(ProjectInitializer.defaultModels)
                preamble += "# Files that are the model: a commit touching them is a CI candidate.\n\(addedModels!)\n\n"
            }
            if existing.script == nil {
                addedScript = scriptLine
                preamble += "# Predicts with the model `easeml-ci automl propose` commits.\n\(scriptLine)\n\n"
            }
            let marker = "# Model search written by"
            if !preamble.isEmpty, let start = merged.range(of: marker) {
                merged.replaceSubrange(start, with: preamble + marker)
            }
        } else {
            addedScript = scriptLine
            merged = ProjectInitializer.withDefaults(script: scriptCommand(modelPath: modelPath)).text + "\n" + section
        }
        // Parse the result first: a file this command breaks is never written.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-preset-\(UUID().uuidString).yml")
        do { try Data(merged.utf8).write(to: temporary) } catch { throw .unwritableFile(path: temporary.path, reason: "\(error)") }
        defer { try? FileManager.default.removeItem(at: temporary) }
        _ = try ConfigurationFile.load(temporary, displayPath: configPath)
        try AtomicFile.write(Data(Self.sklearnScript.utf8), to: scriptPath)
        chmod(scriptPath, 0o755)
        try AtomicFile.write(Data(merged.utf8), to: configPath)
        let gitignore = try GitIgnoreEntry(pattern: ".easeml/").ensure(in: URL(fileURLWithPath: configPath).deletingLastPathComponent().path)
        return Result(
            scriptPath: scriptPath, configPath: configPath, createdConfiguration: existing == nil, replacedSection: replaced,
            addedScript: addedScript, addedModels: addedModels, modelPath: modelPath, gitignore: gitignore)
    }

    /// The configuration with the section appended, or put in place of the existing `automl:`
    /// section (its top-level line and every following indented, blank or comment line).
    func merge(_ existing: String) throws(EaseMLCIError) -> (String, Bool) {
        var lines = existing.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("automl:") }) else {
            let separator = existing.isEmpty || existing.hasSuffix("\n\n") ? "" : existing.hasSuffix("\n") ? "\n" : "\n\n"
            return (existing + separator + section, false)
        }
        guard force else {
            throw .invalidOption(option: "--preset", message: "\(configPath) already has an `automl:` section; pass --force to replace it")
        }
        var end = start + 1
        while end < lines.count, lines[end].isEmpty || lines[end].first == " " || lines[end].first == "\t" || lines[end].first == "#" { end += 1 }
        lines.replaceSubrange(start..<end, with: section.components(separatedBy: "\n"))
        return (lines.joined(separator: "\n"), true)
    }

    /// The trial script of the `sklearn` preset.
    public static let sklearnScript = #"""
"""One trial of an easeml-ci AutoML search (written by `easeml-ci automl init --preset sklearn`).

    python automl_sklearn.py MODEL --train TRAIN.csv --valid VALID.csv --out OUT_DIR
        [--seed N] [--label COLUMN] [name=value ...]
    python automl_sklearn.py --worker
    python automl_sklearn.py predict --model MODEL.pkl [--label COLUMN] [--inputs CSV] [--output CSV]

MODEL is one of knn, svm, logreg, random_forest, extra_trees, gradient_boosting; the name=value
pairs are its hyper-parameters (numbers, `none`, `true`/`false`, or words), filled in by easeml-ci
from the grid of the `automl:` section of .easeml.yml. `scaler=none|standard|minmax` puts a scaler
in front of the model (default none: distances and margins on the raw features). TRAIN and VALID
are CSV files with a header row, numeric feature columns and one label column (COLUMN, default
`label`). The model is fitted on TRAIN, scored by accuracy on VALID, pickled to OUT_DIR/model.pkl,
and the trial reports on its last line

    EASEML_RESULT {"score": <validation accuracy>, "fit_seconds": ..., "model": "model.pkl", ...}

which is the contract easeml-ci reads (exit 0 with that line: the trial is ok; `model` is relative
to OUT_DIR). Search on training and validation data only: easeml-ci refuses to run when TRAIN or
VALID is a registered test set's file.

--worker: the long-lived form (`worker:` in the `automl:` section). scikit-learn is imported once;
each line on standard input is a request {"command": [...], "log": PATH}, the command being the
trial's command line as above; the trial runs in this process with its output in PATH, and the
answer is one line on standard output, `EASEML_RESULT {...}` or `EASEML_FAILED {"reason": ...}`.
Training and validation files are read once while they are unchanged.

predict: the `script:` of .easeml.yml. Reads the inputs CSV ($EASEML_INPUTS; a label column, if
present, is ignored) and writes one predicted class per row, under a `prediction` header, to
$EASEML_OUTPUT.
"""
import argparse
import csv
import json
import os
import pickle
import sys
import time
import traceback

from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

MODELS = ("knn", "svm", "logreg", "random_forest", "extra_trees", "gradient_boosting")


def value(text):
    """A grid value: an int, a float, None, a bool, or the text itself."""
    lowered = text.lower()
    if lowered in ("none", "null"):
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def model(name, params, seed):
    """The estimator for MODEL with its hyper-parameters, behind the scaler `scaler` names."""
    params = dict(params)
    scaler = params.pop("scaler", None)
    if name == "knn":
        estimator = KNeighborsClassifier(**params)
    elif name == "svm":
        estimator = SVC(random_state=seed, **params)
    elif name == "logreg":
        estimator = LogisticRegression(max_iter=5000, random_state=seed, **params)
    elif name == "random_forest":
        estimator = RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    elif name == "extra_trees":
        estimator = ExtraTreesClassifier(random_state=seed, n_jobs=1, **params)
    elif name == "gradient_boosting":
        estimator = HistGradientBoostingClassifier(random_state=seed, **params)
    else:
        raise SystemExit("unknown model %r (%s)" % (name, ", ".join(MODELS)))
    if scaler in (None, "none"):
        return estimator
    if scaler == "standard":
        return make_pipeline(StandardScaler(), estimator)
    if scaler == "minmax":
        return make_pipeline(MinMaxScaler(), estimator)
    raise SystemExit("unknown scaler %r (none, standard, minmax)" % scaler)


def read(path, label, required=True):
    """Features (floats) and labels (text, or None without the column) of a CSV file with a header row."""
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        if label not in header and required:
            raise SystemExit("%s has no column %r (columns: %s)" % (path, label, ", ".join(header)))
        column = header.index(label) if label in header else None
        features, labels = [], []
        for number, row in enumerate(rows, start=2):
            if not row:
                continue
            if column is not None:
                labels.append(row[column])
            try:
                features.append([float(cell) for index, cell in enumerate(row) if index != column])
            except ValueError as error:
                raise SystemExit("%s:%d: %s" % (path, number, error))
    return features, (labels if column is not None else None)


CACHE = {}


def cached(path, label):
    """`read`, once per (file, label) while the file's size and modification time are unchanged."""
    info = os.stat(path)
    key = (os.path.abspath(path), label, info.st_size, info.st_mtime_ns)
    if key not in CACHE:
        CACHE[key] = read(path, label)
    return CACHE[key]


def parser():
    parser = argparse.ArgumentParser(description="One easeml-ci AutoML trial with scikit-learn.")
    parser.add_argument("model")
    parser.add_argument("--train", required=True)
    parser.add_argument("--valid", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="label")
    parser.add_argument("params", nargs="*", help="hyper-parameters as name=value")
    return parser


def trial(arguments):
    """Runs one trial; returns the result object (and prints its EASEML_RESULT line)."""
    args = parser().parse_intermixed_args(arguments)
    params = {}
    for pair in args.params:
        name, separator, text = pair.partition("=")
        if not separator:
            raise SystemExit("a hyper-parameter must be name=value, got %r" % pair)
        params[name] = value(text)
    train_x, train_y = cached(args.train, args.label)
    valid_x, valid_y = cached(args.valid, args.label)
    estimator = model(args.model, params, args.seed)
    started = time.perf_counter()
    estimator.fit(train_x, train_y)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    score = accuracy_score(valid_y, estimator.predict(valid_x))
    predict_seconds = time.perf_counter() - started
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "model.pkl"), "wb") as handle:
        pickle.dump({"estimator": estimator, "label": args.label}, handle)
    result = {"score": score, "accuracy": score, "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
              "model": "model.pkl", "estimator": args.model, "params": params}
    print("EASEML_RESULT " + json.dumps(result), flush=True)
    return result


def arguments_after_script(command):
    """The words of a trial's command after this script's path."""
    me = os.path.basename(__file__)
    for index, word in enumerate(command):
        if os.path.basename(word) == me:
            return command[index + 1:]
    raise SystemExit("the command %r does not run %s" % (command, me))


def serve():
    """--worker: trials from standard input, answers on standard output, one line each."""
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    errors = os.dup(2)
    os.dup2(quiet, 1)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        try:
            answer = "EASEML_RESULT " + json.dumps(trial(arguments_after_script(request["command"])))
        except SystemExit as stop:
            print(stop.code, file=sys.stderr)
            answer = "EASEML_FAILED " + json.dumps({"reason": str(stop.code)})
        except Exception as error:
            traceback.print_exc()
            answer = "EASEML_FAILED " + json.dumps({"reason": "%s: %s" % (type(error).__name__, error)})
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(quiet, 1)
        os.dup2(errors, 2)
        reply.write(answer + "\n")


def predict(arguments):
    """predict: the model's classes for the inputs, one per row under a `prediction` header."""
    parser = argparse.ArgumentParser(description="Predictions of a model proposed by easeml-ci automl.")
    parser.add_argument("--model", required=True)
    parser.add_argument("--label", default=None, help="a column of the inputs to ignore (default: the model's label column)")
    parser.add_argument("--inputs", default=os.environ.get("EASEML_INPUTS"))
    parser.add_argument("--output", default=os.environ.get("EASEML_OUTPUT"))
    args = parser.parse_args(arguments)
    if not args.inputs or not args.output:
        raise SystemExit("predict needs --inputs and --output (or $EASEML_INPUTS and $EASEML_OUTPUT)")
    with open(args.model, "rb") as handle:
        saved = pickle.load(handle)
    features, _ = read(args.inputs, args.label or saved["label"], required=False)
    with open(args.output, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["prediction"])
        for predicted in saved["estimator"].predict(features):
            writer.writerow([predicted])


def main():
    if sys.argv[1:] == ["--worker"]:
        serve()
    elif sys.argv[1:2] == ["predict"]:
        predict(sys.argv[2:])
    else:
        trial(sys.argv[1:])


if __name__ == "__main__":
    main()
"""#
}
