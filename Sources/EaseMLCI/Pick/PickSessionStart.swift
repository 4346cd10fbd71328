import EaseMLData
import EaseMLLedger
import Foundation

/// `easeml-ci pick start`: reads the candidates' prediction files over one pool of unlabeled items
/// and records a new session in the ledger.
///
/// The pool's ids come from `--pool-ids` (a CSV whose first field is the id, an optional `id`
/// header), else from the
/// first prediction file (its ids, or positions 0, 1, … when it has none). Every prediction file is
/// aligned to them by id when both name ids, else by position.
public struct PickSessionStart: Sendable {
    public var name: String
    public var modelPaths: [String]
    public var poolIDsPath: String?
    public var inputsPath: String?
    public var seed: UInt64
    public var gamma: Double
    public var epsilon: Double
    public var delta: Double
    public var labelBudget: Int

    public init(
        name: String, modelPaths: [String], poolIDsPath: String? = nil, inputsPath: String? = nil, seed: UInt64 = 1, gamma: Double = 1,
        epsilon: Double = 0.02, delta: Double = 0.05, labelBudget: Int = 200
    ) {
        self.name = name
        self.modelPaths = modelPaths
        self.poolIDsPath = poolIDsPath
        self.inputsPath = inputsPath
        self.seed = seed
        self.gamma = gamma
        self.epsilon = epsilon
        self.delta = delta
        self.labelBudget = labelBudget
    }

    /// Validates, reads the files and creates the session. With `gate`, the candidates are the
    /// gate's accepted commits — each commit's script run on the pool's inputs into a temporary
    /// folder that is removed afterwards — followed by `modelPaths` (e.g. the deployed model's
    /// predictions on the same pool).
    public func run(ledger: Ledger, gate: GateCandidates? = nil) throws(EaseMLCIError) -> PickSession {
        guard let gate else { return try record(ledger: ledger, modelPaths: modelPaths) }
        let folder = try ScratchFolder.make("pick")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try record(ledger: ledger, modelPaths: try gate.predictionFiles(ledger: ledger, into: folder, others: modelPaths.count) + modelPaths)
    }

    private func record(ledger: Ledger, modelPaths: [String]) throws(EaseMLCIError) -> PickSession {
        guard !name.isEmpty else { throw .invalidOption(option: "--name", message: "must not be empty") }
        guard modelPaths.count >= 2 else {
            throw .invalidOption(option: "--models", message: "give at least two prediction files, got \(modelPaths.count)")
        }
        guard epsilon > 0, epsilon < 1 else { throw .invalidOption(option: "--epsilon", message: "must be in (0, 1)") }
        guard delta > 0, delta < 1 else { throw .invalidOption(option: "--delta", message: "must be in (0, 1)") }
        guard labelBudget >= 1 else { throw .invalidOption(option: "--label-budget", message: "must be at least 1") }
        guard gamma.isFinite, gamma >= 0 else { throw .invalidOption(option: "--gamma", message: "must be ≥ 0") }
        let columns = try modelPaths.map { (path) throws(EaseMLCIError) -> ClassColumn in try ModelSelectionData.read(path) }
        let ids: [String]
        if let poolIDsPath {
            guard let data = FileManager.default.contents(atPath: poolIDsPath) else {
                throw .unreadableFile(path: poolIDsPath, reason: "no such file or not readable")
            }
            let records: [CSVRecord]
            do { records = try CSVTokenizer.records(in: data, file: poolIDsPath) } catch { throw .data(DataFileError(error)) }
            var first = records.compactMap(\.fields.first).filter { !$0.isEmpty }
            if first.first == "id" { first.removeFirst() }
            ids = first
        } else if let first = columns[0].ids {
            ids = (0..<first.count).map { first.id(at: $0) }
        } else {
            ids = (0..<columns[0].count).map(String.init)
        }
        guard !ids.isEmpty else { throw .invalidOption(option: "--pool-ids", message: "the pool has no items") }
        var position: [String: Int] = [:]
        for (i, id) in ids.enumerated() where position.updateValue(i, forKey: id) != nil {
            throw .invalidOption(option: "--pool-ids", message: "item id `\(id)` appears more than once")
        }
        var classes: [String] = []
        var classIndex: [String: Int32] = [:]
        var candidates: [NewPickSession.Candidate] = []
        for (path, column) in zip(modelPaths, columns) {
            let codes = column.classes.map { (name) -> Int32 in
                if let code = classIndex[name] { return code }
                classIndex[name] = Int32(classes.count)
                classes.append(name)
                return Int32(classes.count - 1)
            }
            var aligned = [Int32](repeating: 0, count: ids.count)
            if let columnIDs = column.ids {
                var found = [Bool](repeating: false, count: ids.count)
                for i in 0..<columnIDs.count {
                    guard let j = position[columnIDs.id(at: i)] else { continue }
                    aligned[j] = codes[Int(column.codes[i])]
                    found[j] = true
                }
                if let missing = found.firstIndex(of: false) {
                    throw .predictionsMismatch(file: path, message: "no prediction for pool item `\(ids[missing])`")
                }
            } else {
                guard column.count == ids.count else {
                    throw .predictionsMismatch(file: path, message: "\(column.count) predictions for a pool of \(ids.count) items")
                }
                aligned = column.codes.map { codes[Int($0)] }
            }
            candidates.append(.init(name: ModelSelectionData.modelName(path), fileHash: try ContentHash.ofFile(path), predictions: aligned))
        }
        let names = candidates.map(\.name)
        if Set(names).count != names.count { throw .invalidOption(option: "--models", message: "two prediction files have the same name") }
        if let inputsPath { _ = try PickInputs.load(inputsPath) }
        let new = NewPickSession(
            name: name, seed: seed, gamma: gamma, epsilon: epsilon, delta: delta, labelBudget: labelBudget, classes: classes,
            itemIDs: ids, inputsPath: inputsPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, candidates: candidates)
        do {
            let record = try ledger.createPickSession(new)
            return try PickSession(record: record, queries: [], labels: [])
        } catch LedgerError.invalidRequest(let message) {
            throw .invalidOption(option: "--name", message: message)
        } catch {
            throw .wrapping(error) { .ledger(.invalidRequest("\($0)")) }
        }
    }
}
