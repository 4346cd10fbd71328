import EaseMLEngines
import EaseMLLedger
import Foundation

/// A ModelPicker session as stored in the ledger, rebuilt by replay: nothing but the fixed
/// description, the query log and the labels is trusted, so a killed process loses nothing.
///
/// Two label sources share one budget and reuse each other's labels (a label is the item's truth,
/// whoever asked):
/// - **ModelPicker** walks the pool in a seeded random order (the stream); item t is queried when
///   the coin `uniform(seed, t)` falls below p_t. Its L̂ gives the current best and the beliefs.
/// - **The certified stopping rule** (`ModelPickerStoppingRule`) draws disagreement items uniformly
///   with replacement from a second seeded counter stream; only its draws enter the guarantee, so
///   the certificate is valid whatever ModelPicker does. Looks are evaluated on the longest prefix
///   of draws whose labels are known.
/// `next` alternates the two so that each has asked for about as many items.
public struct PickSession: Sendable {
    public let record: PickSessionRecord
    public let queries: [PickQueryRecord]
    public let labels: [PickLabelRecord]
    /// The stream: pool items in the seeded order ModelPicker visits them.
    public let order: [Int]
    /// Pool items where not all candidates agree, in pool order.
    public let disagreementItems: [Int]
    /// ModelPicker replayed from the labeled queries (in label arrival order).
    public let picker: ModelPicker
    /// The stopping rule's verdict: the first look that stops, else the latest look (nil before it).
    public let certificate: ModelSelectionCertificate?
    let labelByItem: [Int: Int32]
    let classIndex: [String: Int32]

    /// The seed of the certificate's draws, derived from the session seed.
    static func drawSeed(_ seed: UInt64) -> UInt64 { seed ^ 0xC3A5_C85C_97CB_3127 }

    public init(record: PickSessionRecord, queries: [PickQueryRecord], labels: [PickLabelRecord]) throws(EaseMLCIError) {
        self.record = record
        self.queries = queries
        self.labels = labels
        let session = record.session
        let n = session.itemIDs.count
        let k = session.candidates.count
        var index: [String: Int32] = [:]
        for (i, name) in session.classes.enumerated() { index[name] = Int32(i) }
        classIndex = index
        var byItem: [Int: Int32] = [:]
        for label in labels {
            guard let code = index[label.label] else { throw .ledger(.inconsistent("label `\(label.label)` is not a class of session \(session.name)")) }
            byItem[label.item] = code
        }
        labelByItem = byItem
        var order = Array(0..<n)
        var rng = SeededRandomGenerator(seed: session.seed)
        rng.shuffle(&order)
        self.order = order
        let columns = session.candidates.map(\.predictions)
        func predictions(_ item: Int) -> [Int32] { columns.map { $0[item] } }
        disagreementItems = (0..<n).filter { item in columns.contains { $0[item] != columns[0][item] } }
        let disagreementSet = Set(disagreementItems)
        let position = record.streamPosition
        let seen = order.prefix(position).reduce(0) { $0 + (disagreementSet.contains($1) ? 1 : 0) }
        let seqByItem = Dictionary(uniqueKeysWithValues: labels.map { ($0.item, $0.seq) })
        let answered = queries.filter { byItem[$0.item] != nil }.sorted { seqByItem[$0.item]! < seqByItem[$1.item]! }
        do {
            picker = try ModelPicker.replaying(
                modelCount: k, gamma: session.gamma, items: position, disagreements: seen,
                queries: answered.map { ModelPickerQuery(round: $0.round, probability: $0.probability, label: byItem[$0.item]!) },
                predictions: { round in predictions(order[round - 1]) })
            let rule = try ModelPickerStoppingRule(epsilon: session.epsilon, delta: session.delta)
            var evidence = try ModelSelectionEvidence(modelCount: k, poolSize: n, predictions: predictions)
            var drawn = Set<Int>()
            var verdict: ModelSelectionCertificate?
            if !disagreementItems.isEmpty {
                for d in stride(from: 1, through: record.draws, by: 1) {
                    let item = PickSession.drawItem(d, seed: session.seed, disagreementItems: disagreementItems)
                    guard let label = byItem[item] else { break }
                    try evidence.add(predictions: predictions(item), label: label, isNewItem: drawn.insert(item).inserted)
                    if evidence.isComplete {
                        verdict = rule.certificate(evidence, look: 0)
                        break
                    }
                    if let s = rule.look(atDraws: d) {
                        verdict = rule.certificate(evidence, look: s)
                        if verdict!.stops { break }
                    }
                }
            }
            certificate = verdict
        } catch {
            throw .modelSelection(error)
        }
    }

    /// Loads the session `name` (default: the newest open one, else the newest) from the ledger.
    public static func load(_ ledger: Ledger, name: String?) throws(EaseMLCIError) -> PickSession {
        do {
            let chosen: String
            if let name { chosen = name } else {
                guard let newest = try ledger.pickSessionNames(openOnly: true).last ?? ledger.pickSessionNames().last else {
                    throw EaseMLCIError.invalidOption(option: "--name", message: "no open pick session; start one with `easeml-ci pick start`")
                }
                chosen = newest
            }
            guard let record = try ledger.pickSession(name: chosen) else {
                throw EaseMLCIError.invalidOption(option: "--name", message: "no pick session named `\(chosen)`")
            }
            return try PickSession(record: record, queries: try ledger.pickQueries(session: chosen), labels: try ledger.pickLabels(session: chosen))
        } catch {
            throw .wrapping(error) { .ledger(.invalidRequest("\($0)")) }
        }
    }

    /// The pool item of the certificate's d-th draw (d ≥ 1): uniform over the disagreement items.
    static func drawItem(_ d: Int, seed: UInt64, disagreementItems: [Int]) -> Int {
        let u = SeededRandomGenerator.uniform(seed: drawSeed(seed), index: UInt64(d))
        return disagreementItems[min(disagreementItems.count - 1, Int(u * Double(disagreementItems.count)))]
    }

    /// The candidates' predictions on one pool item.
    public func predictions(item: Int) -> [Int32] { record.session.candidates.map { $0.predictions[item] } }

    public var modelNames: [String] { record.session.candidates.map(\.name) }

    /// The class code of a label name, if it is one of the session's classes.
    public func classCode(_ name: String) -> Int32? { classIndex[name] }

    public func isLabeled(_ item: Int) -> Bool { labelByItem[item] != nil }

    /// Items asked for (by a query or a draw) whose label has not arrived, in the order asked.
    public var pendingItems: [Int] {
        var result: [Int] = []
        var seen = Set<Int>()
        for query in queries where labelByItem[query.item] == nil && seen.insert(query.item).inserted { result.append(query.item) }
        if !disagreementItems.isEmpty {
            for d in stride(from: 1, through: record.draws, by: 1) {
                let item = PickSession.drawItem(d, seed: record.session.seed, disagreementItems: disagreementItems)
                if labelByItem[item] == nil && seen.insert(item).inserted { result.append(item) }
            }
        }
        return result
    }

    /// Distinct items the certificate's draws have reached.
    var drawnItems: Set<Int> {
        guard !disagreementItems.isEmpty else { return [] }
        return Set(stride(from: 1, through: record.draws, by: 1).map {
            PickSession.drawItem($0, seed: record.session.seed, disagreementItems: disagreementItems)
        })
    }

    /// The labeled items by who asked for them: ModelPicker's queries, the stopping rule's draws, or both.
    public var labelSplit: PickStatusReport.LabelSplit {
        let queried = Set(queries.map(\.item))
        let drawn = drawnItems
        var split = PickStatusReport.LabelSplit(modelPicker: 0, stoppingRule: 0, both: 0)
        for item in Set(labels.map(\.item)) {
            switch (queried.contains(item), drawn.contains(item)) {
            case (true, true): split.both += 1
            case (true, false): split.modelPicker += 1
            case (false, true): split.stoppingRule += 1
            case (false, false): break
            }
        }
        return split
    }

    /// ModelPicker's answer: the model with the smallest L̂ (lowest index on a tie).
    public var currentBest: Int { picker.best.first ?? 0 }

    /// Whether the session should stop now, with the model and the reason: the certificate holds
    /// (`certified`/`exact`), or nothing is pending and the budget is spent (`budget`) or there is
    /// nothing left to ask (`exhausted`).
    public var stopDecision: (model: Int, reason: String)? {
        if let certificate, certificate.stops { return (certificate.chosen, certificate.status.rawValue) }
        guard pendingItems.isEmpty else { return nil }
        if labels.count >= record.session.labelBudget { return (currentBest, "budget") }
        if record.streamPosition >= order.count && drawnItems.count >= disagreementItems.count { return (currentBest, "exhausted") }
        return nil
    }

    /// The update that asks for up to `batch` items in total (pending ones first): advances
    /// ModelPicker's stream past skipped items to its next queries and makes the certificate's next
    /// draws, alternating, within the label budget. Returns the items to label now, in order.
    public func plan(batch: Int) throws(EaseMLCIError) -> (items: [Int], update: PickSessionUpdate) {
        let session = record.session
        var items = pendingItems
        var requested = Set(items).union(labelByItem.keys)
        var update = PickSessionUpdate(expectedStreamPosition: record.streamPosition, expectedDraws: record.draws, expectedLabelCount: labels.count)
        guard record.status == .open else { return ([], update) }
        var picker = self.picker
        var drawn = drawnItems
        var queryCount = queries.count
        do {
            while items.count < batch && requested.count < session.labelBudget {
                let streamLeft = update.streamPosition < order.count
                let drawsLeft = drawn.count < disagreementItems.count
                if !streamLeft && !drawsLeft { break }
                if streamLeft && (!drawsLeft || queryCount <= drawn.count) {
                    while update.streamPosition < order.count {
                        let item = order[update.streamPosition]
                        let f = predictions(item: item)
                        let step = try picker.advance(predictions: f)
                        update.streamPosition += 1
                        guard step.asks(coin: SeededRandomGenerator.uniform(seed: session.seed, index: UInt64(step.round))) else { continue }
                        update.queries.append(PickQueryRecord(round: step.round, item: item, probability: step.probability))
                        queryCount += 1
                        if let label = labelByItem[item] {
                            try picker.recordLabel(label, for: step, predictions: f)
                        } else if requested.insert(item).inserted {
                            items.append(item)
                        }
                        break
                    }
                } else {
                    while true {
                        update.draws += 1
                        let item = PickSession.drawItem(update.draws, seed: session.seed, disagreementItems: disagreementItems)
                        guard drawn.insert(item).inserted else { continue }
                        if requested.insert(item).inserted { items.append(item) }
                        break
                    }
                }
            }
        } catch {
            throw .modelSelection(error)
        }
        return (Array(items.prefix(max(batch, 0))), update)
    }

    /// This session as it would be after `update` (with `newLabels` as the next arrivals).
    public func applying(_ update: PickSessionUpdate) throws(EaseMLCIError) -> PickSession {
        var next = record
        next.streamPosition = update.streamPosition
        next.draws = update.draws
        var newLabels = labels
        for (offset, label) in update.labels.enumerated() {
            newLabels.append(PickLabelRecord(item: label.item, label: label.label, seq: labels.count + offset + 1))
        }
        return try PickSession(record: next, queries: queries + update.queries, labels: newLabels)
    }
}
