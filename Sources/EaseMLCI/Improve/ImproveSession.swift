import EaseMLEngines
import EaseMLLedger
import Foundation

/// `easeml-ci improve`: the improvement loop as a resumable session in the ledger. Two arms —
/// `clean` (CPClean's next rows with missing cells) and `acquire` (the acquisition ranking's next
/// pool rows to label) — and a bandit (`ImprovementBandit`, UCB1 on the gain of the accuracy
/// ceiling per unit of effort) choosing between them.
///
/// A round: `next` picks the arm and its batch and records them (an open round); the person
/// answers with a file; `apply` records the answers, re-measures the feasibility estimate (the
/// held-out 1-NN error of the validation rows against the training rows, as the accuracy ceiling
/// 1 − Cover–Hart bound) and the round's reward, all in one ledger transaction. A killed command
/// leaves the session before or after its change; the state is rebuilt from the files and the
/// stored answers, deterministically, so `next` shows an open round again unchanged.
public struct ImproveSession: Sendable {
    /// The inputs of a new session.
    public struct Start: Sendable {
        public var cleaning: CleaningSession.Start
        public var pool: String
        public var batch: Int
        public var cleanCost: Double
        public var labelCost: Double
        public var exploration: Double

        public init(cleaning: CleaningSession.Start, pool: String, batch: Int, cleanCost: Double, labelCost: Double, exploration: Double) {
            self.cleaning = cleaning
            self.pool = pool
            self.batch = batch
            self.cleanCost = cleanCost
            self.labelCost = labelCost
            self.exploration = exploration
        }
    }

    /// One row of a batch and why it is in it.
    public struct Item: Sendable, Codable, Equatable {
        /// Training row (clean) or pool row (acquire), 0-based data row of its file.
        public var row: Int
        public var why: String
    }

    /// A round as shown to the person.
    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        public var arm: ImprovementArm
        /// Why this arm.
        public var reason: String
        public var items: [Item]
    }

    public let id: String
    public let settings: ImproveSettings
    public let inputs: CleaningInputs
    public private(set) var loop: ImprovementLoop
    public private(set) var record: CleaningSessionRecord
    /// The accuracy ceiling before any answer.
    public let startCeiling: Double

    /// Opens session `id`, or starts it from `start` when the ledger has none with that id.
    /// The session `id` in the workspace's ledger; with `start`, a new session is created (and the
    /// ledger with it) unless one exists. Without `start` and without a ledger, the error says how
    /// to start one.
    public static func open(in workspace: Workspace, id: String, start: Start?) throws(EaseMLCIError) -> (session: ImproveSession, ledger: Ledger) {
        let ledger = try workspace.sessionLedger(create: start != nil) { path in
            .improvement(message: "no improve session \(id): no ledger at \(path); start one with --train FILE --pool FILE --valid FILE")
        }
        return (try open(ledger: ledger, id: id, start: start), ledger)
    }

    public static func open(ledger: Ledger, id: String, start: Start?) throws(EaseMLCIError) -> ImproveSession {
        if let record = try ledgerCall({ () throws(LedgerError) in try ledger.cleaningSession(id: id) }) {
            guard record.kind == .improve else { throw .improvement(message: "session \(id) is a `clean` session; use `easeml-ci clean`") }
            let settings: ImproveSettings = try SessionJSON.decode(record.settings, session: id)
            if let start, !(start.cleaning.agrees(with: settings.cleaning) && start.pool == settings.pool) {
                throw .improvement(message: "session \(id) has other inputs (training \(settings.cleaning.training), pool \(settings.pool), validation \(settings.cleaning.validation)); pass another --session or omit the inputs")
            }
            return try ImproveSession(id: id, settings: settings, record: record)
        }
        guard let start else {
            throw .improvement(message: "no improve session \(id) in \(ledger.path); start one with --train FILE --pool FILE --valid FILE")
        }
        let c = start.cleaning
        let settings = ImproveSettings(
            cleaning: CleaningSettings(
                training: c.training, validation: c.validation, trainingHash: try ContentHash.ofFile(c.training), labelsColumn: c.labelsColumn,
                k: c.k, scaling: c.scaling, candidates: c.candidates),
            pool: start.pool, poolHash: try ContentHash.ofFile(start.pool), batch: start.batch, cleanCost: start.cleanCost,
            labelCost: start.labelCost, exploration: start.exploration)
        try settings.validate()
        let text = try SessionJSON.encode(settings)
        var session = try ImproveSession(
            id: id, settings: settings, record: CleaningSessionRecord(id: id, kind: .improve, createdAt: "", settings: text, cleaned: [], labels: [], rounds: []))
        session.record = try ledgerCall { () throws(LedgerError) in try ledger.createCleaningSession(id: id, kind: .improve, settings: text) }
        return session
    }

    private init(id: String, settings: ImproveSettings, record: CleaningSessionRecord) throws(EaseMLCIError) {
        self.id = id
        self.settings = settings
        self.record = record
        let inputs = try settings.cleaning.inputs()
        self.inputs = inputs
        guard try ContentHash.ofFile(settings.pool) == settings.poolHash else {
            throw .improvement(message: "\(settings.pool) changed since the session started; start a new session (another --session)")
        }
        let poolMatrix = try AcquisitionReport.readPool(settings.pool, settings.cleaning.labelsColumn, featureColumns: inputs.featureNames.count)
        guard poolMatrix.columns == inputs.featureNames.count else {
            throw .improvement(message: "\(settings.pool) has \(poolMatrix.columns) feature columns, \(settings.cleaning.training) has \(inputs.featureNames.count)")
        }
        var loop = ImprovementLoop(
            candidates: inputs.candidates, labels: inputs.labels, pool: (0..<poolMatrix.rows).map { inputs.scaled(poolMatrix.row($0)) },
            validation: inputs.validation, validationLabels: inputs.validationLabels, classCount: inputs.classNames.count, k: settings.cleaning.k)
        startCeiling = loop.ceiling()
        let codes = Dictionary(uniqueKeysWithValues: inputs.classNames.enumerated().map { ($1, $0) })
        for row in record.cleaned { loop.clean(row: row.row, value: inputs.scaled(row.values)) }
        for label in record.labels {
            guard let code = codes[label.label], label.poolRow < loop.pool.count else {
                throw .improvement(message: "session \(id) holds a label the files no longer fit (pool row \(label.poolRow))")
            }
            loop.label(poolRow: label.poolRow, label: code)
        }
        self.loop = loop
    }

    /// The bandit's history: each applied round's arm and reward.
    public var history: [ImprovementBandit.Pull] {
        record.rounds.compactMap { round in
            round.outcome.flatMap { outcome in ImprovementArm(rawValue: round.arm).map { .init(arm: $0, reward: outcome.reward) } }
        }
    }

    /// The feasibility curve so far: the start, then each applied round.
    public var curve: [ImprovementSimulation.Point] {
        var points = [ImprovementSimulation.Point(round: 0, arm: nil, rows: 0, effort: 0, ceiling: startCeiling, reason: "")]
        for round in record.rounds {
            guard let outcome = round.outcome else { continue }
            let rows = round.arm == "clean"
                ? record.cleaned.count { $0.round == round.round } : record.labels.count { $0.round == round.round }
            points.append(.init(
                round: round.round, arm: ImprovementArm(rawValue: round.arm), rows: rows, effort: points.last!.effort + outcome.effort,
                ceiling: outcome.ceiling, reason: round.reason))
        }
        return points
    }

    /// The arms' UCB1 statistics now (for the status report).
    public var armScores: [ImprovementBandit.ArmScore] {
        ImprovementBandit.choose(history: history, available: Set(ImprovementArm.allCases), exploration: settings.exploration)?.scores ?? []
    }

    /// The open round as stored (its rows without the reasons, which `next` recomputes), or nil.
    public var openRound: Round? {
        record.openRound.map { open in
            Round(round: open.round, arm: ImprovementArm(rawValue: open.arm) ?? .clean, reason: open.reason, items: open.batch.map { Item(row: $0, why: "") })
        }
    }

    /// The open round, or a new one (picked and recorded now); nil when no arm is left.
    public mutating func next(ledger: Ledger) throws(EaseMLCIError) -> Round? {
        let proposal = loop.propose(history: history, batch: settings.batch, exploration: settings.exploration)
        if let open = record.openRound {
            guard var shown = openRound else { return nil }
            if let proposal, proposal.rows == open.batch { shown.items = items(proposal) }
            return shown
        }
        guard let proposal else { return nil }
        let round = ImproveRoundRecord(round: record.rounds.count + 1, arm: proposal.arm.rawValue, batch: proposal.rows, reason: proposal.choice.reason)
        let id = self.id
        record = try ledgerCall { () throws(LedgerError) in try ledger.openImproveRound(session: id, round) }
        return Round(round: round.round, arm: proposal.arm, reason: round.reason, items: items(proposal))
    }

    private func items(_ proposal: ImprovementProposal) -> [Item] {
        switch proposal.arm {
        case .clean:
            return proposal.cleanRows.map { gain in
                let missing = inputs.missingColumns[gain.row].map { inputs.featureNames[$0] }.joined(separator: ", ")
                return Item(
                    row: gain.row,
                    why: String(format: "expected entropy drop %.6f nats; can change %d uncertain validation prediction%@; fill ", gain.gain, gain.influencedPoints, gain.influencedPoints == 1 ? "" : "s") + missing)
            }
        case .acquire:
            return proposal.acquireRows.map { entry in
                Item(
                    row: entry.index,
                    why: String(format: "predicted value %+.6f%@; distance² %.4f to the nearest labelled or chosen row", entry.predictedValue,
                                entry.eligible ? " (better half)" : "", entry.coverageDistance))
            }
        }
    }

    /// Records the answers of the open round from `file` — cleaned rows (`row` then every feature
    /// column, like `clean apply`) for a `clean` round, `row,label` lines for an `acquire` round —
    /// with the re-measured ceiling and the reward. Rows must belong to the round's batch (a part
    /// of it is fine: the effort counts the rows answered). All or nothing.
    @discardableResult
    public mutating func apply(file: String, ledger: Ledger) throws(EaseMLCIError) -> ImproveRoundRecord {
        guard let open = record.openRound else { throw .improvement(message: "no open round; run `easeml-ci improve next` first") }
        let batch = Set(open.batch)
        var loop = self.loop
        var cleaned: [CleanedRowRecord] = []
        var labels: [AcquiredLabelRecord] = []
        var seen = Set<Int>()
        if open.arm == "clean" {
            for (row, values) in try RowValuesFile.read(file, featureCount: inputs.featureNames.count) {
                guard batch.contains(row), seen.insert(row).inserted else {
                    throw .improvement(message: "\(file): row \(row) is not a row of round \(open.round)'s batch, or appears twice")
                }
                loop.clean(row: row, value: inputs.scaled(values))
                cleaned.append(CleanedRowRecord(row: row, values: values, round: open.round))
            }
        } else {
            let codes = Dictionary(uniqueKeysWithValues: inputs.classNames.enumerated().map { ($1, $0) })
            for (row, label) in try PoolLabelsFile.read(file) {
                guard batch.contains(row), seen.insert(row).inserted else {
                    throw .improvement(message: "\(file): pool row \(row) is not a row of round \(open.round)'s batch, or appears twice")
                }
                guard let code = codes[label] else {
                    throw .improvement(message: "\(file): `\(label)` is not a class of \(settings.cleaning.training) (\(inputs.classNames.joined(separator: ", ")))")
                }
                loop.label(poolRow: row, label: code)
                labels.append(AcquiredLabelRecord(poolRow: row, label: label, round: open.round))
            }
        }
        guard !seen.isEmpty else { throw .improvement(message: "\(file) answers no row of round \(open.round)") }
        let effort = settings.effort(rows: seen.count, arm: open.arm)
        let ceiling = loop.ceiling()
        let outcome = ImproveRoundRecord.Outcome(effort: effort, ceiling: ceiling, reward: (ceiling - curve.last!.ceiling) / effort)
        let id = self.id
        record = try ledgerCall { () throws(LedgerError) in
            try ledger.applyImproveRound(session: id, round: open.round, cleaned: cleaned, labels: labels, outcome: outcome)
        }
        self.loop = loop
        return record.rounds[open.round - 1]
    }
}
