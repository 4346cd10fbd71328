import EaseMLCore
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

    /// Where the configuration is (it must exist: `easeml-ci init` makes one).
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

    /// The candidates, each with one grid axis: cheap models first, so that a search without
    /// history (arms in file order) gets results early.
    public static let candidates: [(name: String, parameter: String, values: String)] = [
        ("knn", "n_neighbors", "[1, 5, 15]"),
        ("svm", "C", "[1, 10]"),
        ("random_forest", "n_estimators", "[100, 300]"),
        ("logreg", "C", "[0.1, 1]"),
        ("gradient_boosting", "learning_rate", "[0.05, 0.2]"),
    ]

    /// What was written.
    public struct Result: Sendable, Equatable, Codable {
        public var scriptPath: String
        public var configPath: String
        /// True when an earlier `automl:` section was replaced.
        public var replacedSection: Bool

        /// What `automl init` prints.
        public var text: String {
            """
            wrote \(scriptPath)
            \(replacedSection ? "replaced the automl: section of " : "added an automl: section to ")\(configPath)
            next: easeml-ci automl plan, then easeml-ci automl run
            """
        }
    }

    /// Installs the preset into the configuration of `workspace`; the script goes to `scriptPath`
    /// (relative to the working folder), else next to the configuration.
    public static func install(
        in workspace: Workspace, scriptPath: String?, train: String, valid: String, label: String, python: String, trials: Int, force: Bool
    ) throws(EaseMLCIError) -> Result {
        let configuration = try workspace.requireConfiguration()
        let script = scriptPath.map(workspace.absolute) ?? configuration.folder.appendingPathComponent(defaultScriptName).path
        return try AutoMLPreset(
            configPath: configuration.file.path, scriptPath: script, train: train, valid: valid, label: label, python: python, trials: trials,
            force: force
        ).install()
    }

    /// The `automl:` section.
    public var section: String {
        let folder = URL(fileURLWithPath: configPath).deletingLastPathComponent().standardizedFileURL.path
        let script = URL(fileURLWithPath: scriptPath).standardizedFileURL.path
        let relative = script.hasPrefix(folder + "/") ? String(script.dropFirst(folder.count + 1)) : script
        let lines = Self.candidates.map { candidate in
            "    - name: \(candidate.name)\n"
                + "      command: '{python} \(relative) \(candidate.name) --train {train} --valid {valid} --out {out_dir} --seed {seed}"
                + " --label \(label) \(candidate.parameter)={\(candidate.parameter)}'\n"
                + "      grid: {\(candidate.parameter): \(candidate.values)}\n"
        }
        return """
            # Model search written by `easeml-ci automl init --preset sklearn`: each grid point of each
            # candidate is one trial of \(relative) (see its docstring for the trial contract).
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
              candidates:

            """ + lines.joined()
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Writes the script and merges the section into the configuration.
    public func install() throws(EaseMLCIError) -> Result {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw .configurationNotFound(searchedFrom: URL(fileURLWithPath: configPath).deletingLastPathComponent().path)
        }
        let existing = String(decoding: data, as: UTF8.self)
        if FileManager.default.fileExists(atPath: scriptPath) && !force {
            throw .unwritableFile(path: scriptPath, reason: "it exists; pass --force to overwrite it")
        }
        let (merged, replaced) = try merge(existing)
        // Parse the result first: a file this command breaks is never written.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-preset-\(UUID().uuidString).yml")
        do { try Data(merged.utf8).write(to: temporary) } catch { throw .unwritableFile(path: temporary.path, reason: "\(error)") }
        defer { try? FileManager.default.removeItem(at: temporary) }
        _ = try ConfigurationFile.load(temporary, displayPath: configPath)
        try AtomicFile.write(Data(Self.sklearnScript.utf8), to: scriptPath)
        chmod(scriptPath, 0o755)
        try AtomicFile.write(Data(merged.utf8), to: configPath)
        return Result(scriptPath: scriptPath, configPath: configPath, replacedSection: replaced)
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

MODEL is one of logreg, knn, random_forest, gradient_boosting, svm; the name=value pairs are its
hyper-parameters (numbers, `none`, `true`/`false`, or words), filled in by easeml-ci from the grid
of the `automl:` section of .easeml.yml. TRAIN and VALID are CSV files with a header row, numeric
feature columns and one label column (COLUMN, default `label`). The model is fitted on TRAIN,
scored by accuracy on VALID, pickled to OUT_DIR/model.pkl, and the trial reports on its last line

    EASEML_RESULT {"score": <validation accuracy>, "fit_seconds": ..., "model": "OUT_DIR/model.pkl", ...}

which is the contract easeml-ci reads (exit 0 with that line: the trial is ok). Search on
training and validation data only: easeml-ci refuses to run when TRAIN or VALID is a registered
test set's file.
"""
import argparse
import csv
import json
import os
import pickle
import sys
import time

from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


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
    """The estimator for MODEL with its hyper-parameters; scale-sensitive models get a scaler."""
    if name == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed, **params))
    if name == "knn":
        return make_pipeline(StandardScaler(), KNeighborsClassifier(**params))
    if name == "random_forest":
        return RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    if name == "gradient_boosting":
        return HistGradientBoostingClassifier(random_state=seed, **params)
    if name == "svm":
        return make_pipeline(StandardScaler(), SVC(random_state=seed, **params))
    sys.exit("unknown model %r (logreg, knn, random_forest, gradient_boosting, svm)" % name)


def read(path, label):
    """Features (floats) and labels (text) of a CSV file with a header row."""
    with open(path, newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        if label not in header:
            sys.exit("%s has no column %r (columns: %s)" % (path, label, ", ".join(header)))
        column = header.index(label)
        features, labels = [], []
        for row in rows:
            if not row:
                continue
            labels.append(row[column])
            features.append([float(cell) for index, cell in enumerate(row) if index != column])
    return features, labels


def main():
    parser = argparse.ArgumentParser(description="One easeml-ci AutoML trial with scikit-learn.")
    parser.add_argument("model")
    parser.add_argument("--train", required=True)
    parser.add_argument("--valid", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="label")
    parser.add_argument("params", nargs="*", help="hyper-parameters as name=value")
    args = parser.parse_intermixed_args()
    params = {}
    for pair in args.params:
        name, separator, text = pair.partition("=")
        if not separator:
            sys.exit("a hyper-parameter must be name=value, got %r" % pair)
        params[name] = value(text)
    train_x, train_y = read(args.train, args.label)
    valid_x, valid_y = read(args.valid, args.label)
    estimator = model(args.model, params, args.seed)
    started = time.perf_counter()
    estimator.fit(train_x, train_y)
    fit_seconds = time.perf_counter() - started
    score = accuracy_score(valid_y, estimator.predict(valid_x))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.pkl")
    with open(path, "wb") as handle:
        pickle.dump(estimator, handle)
    result = {"score": score, "accuracy": score, "fit_seconds": fit_seconds, "model": path, "estimator": args.model, "params": params}
    print("EASEML_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
"""#
}
