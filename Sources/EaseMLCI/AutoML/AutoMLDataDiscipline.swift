import EaseMLEngines
import EaseMLLedger
import Foundation

/// The search touches training and validation data only: before any trial runs, every trial input
/// is compared with the registered test sets' files, by path, through symlinks (real paths), and by
/// content (SHA-256, so a byte-identical copy elsewhere is caught too). Folders are compared file by
/// file on both sides.
///
/// The hidden labels are protected too, though the ledger keeps them only sealed: a test set's id is
/// the hash of its inputs' hash and its labels' column hash (`TestSetRegistration.contentID`), so
/// every trial input file that reads as a label column is hashed the same way and compared with the
/// ids. That catches the labels file itself, a link to it, a copy, and the same labels in another
/// format, without storing or unsealing anything. (A set registered with inputs that have since
/// changed or vanished cannot be recomputed; its labels are then not recognised.)
public enum AutoMLDataDiscipline {
    /// One protected labels file, known by its test set's content id.
    public struct ProtectedLabels: Sendable, Hashable {
        public var testSet: String
        /// The test set's id (its content hash).
        public var id: String
        /// The hash its inputs had (or `no-inputs`).
        public var inputsHash: String
        public init(testSet: String, id: String, inputsHash: String) {
            self.testSet = testSet
            self.id = id
            self.inputsHash = inputsHash
        }
    }

    /// The labels of the ledger's registered test sets whose inputs hash can be recomputed.
    public static func protectedLabels(_ ledger: Ledger) throws(EaseMLCIError) -> [ProtectedLabels] {
        let records: [TestSetRecord]
        do { records = try ledger.testSets() } catch { throw .ledger(error) }
        return records.compactMap { record in
            let name = record.name.isEmpty ? record.id : record.name
            guard let path = record.inputsPath else { return ProtectedLabels(testSet: name, id: record.id, inputsHash: TestSetRegistration.noInputsHash) }
            return (try? ContentHash.ofPath(path)).map { ProtectedLabels(testSet: name, id: record.id, inputsHash: $0) }
        }
    }

    /// Checks the trial inputs against every registered test set's inputs and labels.
    public static func check(inputs: [String], ledger: Ledger) throws(EaseMLCIError) {
        try check(inputs: inputs, protected: protectedFiles(ledger))
        try check(inputs: inputs, labels: protectedLabels(ledger))
    }

    /// Throws `.automl(.testSetLabels…)` naming the first trial input file that holds protected labels.
    public static func check(inputs: [String], labels: [ProtectedLabels]) throws(EaseMLCIError) {
        guard !labels.isEmpty else { return }
        let inputsHashes = Set(labels.map(\.inputsHash))
        for input in inputs {
            for file in files(under: input) {
                guard let data = FileManager.default.contents(atPath: file), let column = try? ClassColumnReader().read(data, file: file) else { continue }
                for inputsHash in inputsHashes {
                    let id = TestSetRegistration.contentID(inputsHash: inputsHash, labels: column)
                    if let hit = labels.first(where: { $0.id == id }) { throw .automl(.testSetLabels(input: file, testSet: hit.testSet)) }
                }
            }
        }
    }

    /// One protected file: a registered test set's input.
    public struct ProtectedFile: Sendable, Hashable {
        public var testSet: String
        public var path: String
        public init(testSet: String, path: String) {
            self.testSet = testSet
            self.path = path
        }
    }

    /// The files of the ledger's registered test sets (those registered with their inputs).
    public static func protectedFiles(_ ledger: Ledger) throws(EaseMLCIError) -> [ProtectedFile] {
        let records: [TestSetRecord]
        do { records = try ledger.testSets() } catch { throw .ledger(error) }
        return records.compactMap { record in record.inputsPath.map { ProtectedFile(testSet: record.name.isEmpty ? record.id : record.name, path: $0) } }
    }

    /// Throws `.automl(.testSetInput…)` naming the first trial input that is a protected file.
    /// Protected files that no longer exist are compared by path only.
    public static func check(inputs: [String], protected: [ProtectedFile]) throws(EaseMLCIError) {
        var protectedFiles: [(file: ProtectedFile, path: String, real: String, hash: String?)] = []
        for entry in protected {
            for file in files(under: entry.path) {
                protectedFiles.append((entry, standardized(file), realPath(file), try? ContentHash.ofFile(file)))
            }
            if files(under: entry.path).isEmpty { protectedFiles.append((entry, standardized(entry.path), realPath(entry.path), nil)) }
        }
        let hashes = Set(protectedFiles.compactMap(\.hash))
        for input in inputs {
            for file in files(under: input) + [input] {
                let path = standardized(file)
                let real = realPath(file)
                if let hit = protectedFiles.first(where: { $0.path == path }) {
                    throw .automl(.testSetInput(input: file, testSet: hit.file.testSet, testSetPath: hit.file.path, how: "the same file as"))
                }
                if let hit = protectedFiles.first(where: { $0.real == real }) {
                    throw .automl(.testSetInput(input: file, testSet: hit.file.testSet, testSetPath: hit.file.path, how: "a link to"))
                }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue, !hashes.isEmpty else { continue }
                let hash = try ContentHash.ofFile(file)
                if let hit = protectedFiles.first(where: { $0.hash == hash }) {
                    throw .automl(.testSetInput(input: file, testSet: hit.file.testSet, testSetPath: hit.file.path, how: "a byte-identical copy of"))
                }
            }
        }
    }

    /// The regular files at `path` (itself, or every file below a folder), following symlinks.
    static func files(under path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let full = path + "/" + relative
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
        }
        return found.sorted()
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return standardized(path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
