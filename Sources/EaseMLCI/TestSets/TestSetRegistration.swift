import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci testset add`: content-addresses a test set, checks it against the plan, seals its
/// labels and registers it in the ledger.
public struct TestSetRegistration {
    /// What was registered (no labels: sizes and ids only).
    public struct Report: Sendable, Codable {
        public var id: String
        public var name: String
        public var size: Int
        public var classes: Int
        public var plannedSize: Int
        public var method: String
        public var steps: Int
        public var adaptivity: Adaptivity
        /// Steps the set supports at its size with the chosen method (the guarantee it really has).
        public var supportedSteps: Int
        /// True when `supportedSteps` is the search limit: the set supports at least that many.
        public var supportedStepsAtLeast: Bool
        /// The leakage those steps allow, in bits (0 for adaptivity `none`).
        public var supportedBits: Double
        public var forced: Bool
        /// The steps the set supports under each adaptivity mode, side by side.
        public var stepsByMode: [StepSupport] = []

        /// The text `testset add` prints.
        public var text: String {
            var lines = [
                "Registered test set \(id.prefix(12)) (\(name)): \(IntegerText.grouped(size)) examples, \(classes) classes.",
                "The plan (\(method)) needs \(IntegerText.grouped(plannedSize)); at this size the set supports \(supportedStepsAtLeast ? "at least " : "")\(IntegerText.grouped(supportedSteps)) step(s) (\(String(format: "%.4g", supportedBits)) bits); budget: \(steps) step(s), adaptivity \(adaptivity.rawValue).",
            ]
            if !stepsByMode.isEmpty {
                lines.append("Steps it supports by adaptivity: " + stepsByMode.map { support in
                    "\(support.adaptivity.rawValue) \(support.reachedLimit ? "≥ " : "")\(IntegerText.grouped(support.steps))"
                }.joined(separator: " · ") + ".")
            }
            if forced { lines.append("warning: registered below the planned size (--force): the guarantee holds only for \(supportedSteps) step(s).") }
            return lines.joined(separator: "\n")
        }
    }

    /// The whole question the set is registered for (recorded with it; `check` decides with it).
    public var question: GateQuestion
    public var labelsPath: String
    public var inputsPath: String?
    public var name: String?
    public var force: Bool
    /// The disagreement rate the plan assumes for `n - o` without a `d` clause: it sizes the set
    /// (as in `plan`) and is no part of the question, which `check` decides without it.
    public var expectedDisagreement: Double?

    var settings: GateSettings { question.settings(expectedDisagreement: expectedDisagreement) }

    public init(
        question: GateQuestion, labelsPath: String, inputsPath: String?, name: String?, force: Bool, expectedDisagreement: Double? = nil
    ) {
        self.question = question
        self.expectedDisagreement = expectedDisagreement
        self.labelsPath = labelsPath
        self.inputsPath = inputsPath
        self.name = name
        self.force = force
    }

    /// Validates everything first; the ledger is written only when every check has passed.
    public func register(in ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> Report {
        ledger.authenticate(with: key.ledgerKey)
        let read: ClassColumnReader.Read?
        do { read = try ClassColumnReader().read(contentsOf: labelsPath) } catch { throw .data(error) }
        guard let labels = read?.column else { throw .unreadableFile(path: labelsPath, reason: "no such file or not readable") }
        try checkUniqueIDs(labels)
        let inputsHash = try inputsPath.map { path throws(EaseMLCIError) in try ContentHash.ofPath(path) } ?? Self.noInputsHash
        let id = Self.contentID(inputsHash: inputsHash, labels: labels)
        let report = try PlanReport.make(settings, testSize: labels.count, tolerances: false)
        let plan = report.plan
        let needed = plan.chosenPlan.sampleSize
        if labels.count < needed && !force {
            throw .testSetTooSmall(size: labels.count, needed: needed, method: plan.chosen.rawValue)
        }
        // Sealed and stored a chunk at a time: the sealed labels are never all in memory.
        let sealing = SealedLabels(labels)
        let rowsPerChunk = SealedLabels.rowsPerChunk(for: labels)
        let chunkCount = SealedLabels.chunkCount(rows: labels.count, rowsPerChunk: rowsPerChunk)
        let header = try sealing.sealedChunk(0, of: chunkCount, testSetID: id, key: key, rowsPerChunk: rowsPerChunk)
        let new = NewTestSet(
            id: id, name: name ?? URL(fileURLWithPath: labelsPath).deletingPathExtension().lastPathComponent,
            size: labels.count, classes: labels.classes, steps: settings.steps, adaptivity: settings.adaptivity,
            reliability: settings.reliability, condition: "\(settings.condition)", plannedSize: needed,
            sealedLabels: header,
            inputsPath: inputsPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
            question: question.canonicalText, questionDigest: question.digest)
        var sealingFailure: EaseMLCIError?
        let record: TestSetRecord
        do throws(LedgerError) {
            record = try ledger.registerTestSet(new, chunkCount: chunkCount) { (chunk) throws(LedgerError) -> Data in
                do throws(EaseMLCIError) {
                    return try sealing.sealedChunk(chunk, of: chunkCount, testSetID: id, key: key, rowsPerChunk: rowsPerChunk)
                } catch {
                    sealingFailure = error
                    throw .invalidTestSet("chunk \(chunk) of the labels could not be sealed")
                }
            }
        } catch {
            throw sealingFailure ?? .ledger(error)
        }
        return Report(
            id: record.id, name: record.name, size: record.size, classes: record.classes.count, plannedSize: needed,
            method: plan.chosen.rawValue, steps: record.steps, adaptivity: record.adaptivity,
            supportedSteps: report.supportedSteps?.steps ?? 0,
            supportedStepsAtLeast: report.supportedSteps?.reachedLimit ?? false,
            supportedBits: report.supportedSteps?.bits ?? 0, forced: record.forced, stepsByMode: report.stepsByMode ?? [])
    }

    /// A test set's id: the content hash of its inputs' hash (`no-inputs` when registered without
    /// inputs) and its labels' column hash. It is what lets a labels file be recognised later
    /// without storing anything but the id.
    public static func contentID(inputsHash: String, labels: ClassColumn) -> String {
        ContentHash.ofData(Data("easeml-testset-v1\n\(inputsHash)\n\(ContentHash.ofColumn(labels))".utf8))
    }

    /// The inputs hash of a set registered without inputs.
    public static let noInputsHash = "no-inputs"

    /// Refuses a repeated example id. The ids' 64-bit hashes are sorted and only ids whose hash
    /// repeats are compared (a set of 100M slices took about 5 GB); above 4M ids in four passes,
    /// one per quarter of the hash range (each pass hashes every id again and keeps a quarter), so
    /// the check holds 2 bytes per example instead of 8 (200 MB at 100M).
    private func checkUniqueIDs(_ labels: ClassColumn) throws(EaseMLCIError) {
        guard let ids = labels.ids, let i = Self.repeatedID(in: ids, passes: ids.count > 1 << 22 ? 4 : 1) else { return }
        throw .data(DataFileError.file(labelsPath, .duplicateID, "example id `\(ids.id(at: i))` appears more than once"))
    }

    /// The first id that repeats an earlier one, found in `passes` (1 or 4) passes.
    static func repeatedID(in ids: ExampleIDs, passes: Int) -> Int? {
        guard ids.count > 1 else { return nil }
        var repeated = Set<UInt64>()
        for pass in 0..<passes {
            var hashes: [UInt64] = []
            hashes.reserveCapacity(ids.count / passes + ids.count / (passes * 8) + 16)
            for i in 0..<ids.count {
                let hash = Self.hash(ids.idBytes(at: i))
                if passes == 1 || Int(hash >> 62) == pass { hashes.append(hash) }
            }
            hashes.sort()
            for j in stride(from: 1, to: hashes.count, by: 1) where hashes[j] == hashes[j - 1] { repeated.insert(hashes[j]) }
        }
        guard !repeated.isEmpty else { return nil }
        // Rare (a duplicate, or a collision of two different ids): compare the candidates' bytes.
        var seen: [UInt64: [Int]] = [:]
        for i in 0..<ids.count {
            let hash = Self.hash(ids.idBytes(at: i))
            guard repeated.contains(hash) else { continue }
            if seen[hash, default: []].contains(where: { ids.idBytes(at: $0) == ids.idBytes(at: i) }) { return i }
            seen[hash, default: []].append(i)
        }
        return nil
    }

    /// 64-bit FNV-1a of an id's bytes.
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
