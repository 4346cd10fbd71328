import EaseMLData
import EaseMLLedger
import Foundation

/// The state-changing steps of a pick session, each one ledger transaction computed from the
/// replayed session: asking for the next items, receiving labels, choosing. When a change makes
/// the session stop (certificate, budget, nothing left) the choice is recorded in the same
/// transaction, so the next session can start from the chosen model.
public enum PickWorkflow {
    /// One item to label.
    public struct Item: Sendable, Codable, Equatable {
        public var id: String
        /// Input columns from the session's inputs file.
        public var inputs: [String: String]
    }

    /// The items to label now (pending ones first, then new ones), after recording the advance.
    public static func next(ledger: Ledger, name: String?, batch: Int) throws(EaseMLCIError) -> (session: PickSession, items: [Item], columns: [String]) {
        guard batch >= 1 else { throw .invalidOption(option: "--batch", message: "must be at least 1") }
        var session = try PickSession.load(ledger, name: name)
        let plan = try session.plan(batch: batch)
        var update = plan.update
        if update.streamPosition != update.expectedStreamPosition || update.draws != update.expectedDraws || !update.queries.isEmpty {
            let after = try session.applying(update)
            if let stop = after.stopDecision { update.choice = choice(after, stop.model, stop.reason) }
            session = try write(ledger, session, update)
        }
        let inputs = try session.record.session.inputsPath.map { (path) throws(EaseMLCIError) -> PickInputs in try PickInputs.load(path) }
        let ids = session.record.session.itemIDs
        // Pending items in the order they were asked, so asking again shows the same list.
        let items = session.pendingItems.prefix(batch).map { item in
            let id = ids[item]
            var shown: [String: String] = [:]
            if let inputs { for (column, value) in zip(inputs.columns, inputs.values(for: id)) { shown[column] = value } }
            return Item(id: id, inputs: shown)
        }
        return (session, session.record.status == .open ? items : [], inputs?.columns ?? [])
    }

    /// The items of `next` as CSV (`CSVWriter`): a header `id,column,…`, then one record per item.
    public static func csv(items: [Item], columns: [String]) -> String {
        CSVWriter.line(["id"] + columns) + CSVWriter.text(items.map { item in [item.id] + columns.map { item.inputs[$0] ?? "" } })
    }

    /// Records labels given as (item id, class name), in any order; unknown ids or classes, and
    /// labels contradicting earlier ones, refuse the whole call (nothing written). Repeats are ignored.
    public static func label(ledger: Ledger, name: String?, _ given: [(id: String, label: String)]) throws(EaseMLCIError) -> PickSession {
        let session = try PickSession.load(ledger, name: name)
        guard session.record.status == .open else {
            throw .invalidOption(option: "pick label", message: "session \(session.record.name) has stopped (chose \(session.record.chosenModel ?? "-"))")
        }
        var position: [String: Int] = [:]
        for (i, id) in session.record.session.itemIDs.enumerated() { position[id] = i }
        let known = Dictionary(uniqueKeysWithValues: session.labels.map { ($0.item, $0.label) })
        var fresh: [(item: Int, label: String)] = []
        var freshIndex: [Int: String] = [:]
        for (id, label) in given {
            guard let item = position[id] else { throw .invalidOption(option: "pick label", message: "unknown item id `\(id)`: not in the session's pool") }
            guard session.classCode(label) != nil else {
                throw .invalidOption(option: "pick label", message: "`\(label)` (item `\(id)`) is not a class; the classes are \(session.record.session.classes.joined(separator: ", "))")
            }
            if let earlier = known[item] ?? freshIndex[item] {
                guard earlier == label else { throw .invalidOption(option: "pick label", message: "item `\(id)` is already labeled `\(earlier)`, not `\(label)`") }
                continue
            }
            freshIndex[item] = label
            fresh.append((item, label))
        }
        guard !fresh.isEmpty else { return session }
        var update = PickSessionUpdate(
            expectedStreamPosition: session.record.streamPosition, expectedDraws: session.record.draws, expectedLabelCount: session.labels.count, labels: fresh)
        let after = try session.applying(update)
        if let stop = after.stopDecision { update.choice = choice(after, stop.model, stop.reason) }
        return try write(ledger, session, update)
    }

    /// Stops the session now with `model` (default: the certified choice, else ModelPicker's best).
    public static func choose(ledger: Ledger, name: String?, model: String?) throws(EaseMLCIError) -> PickSession {
        let session = try PickSession.load(ledger, name: name)
        guard session.record.status == .open else {
            throw .invalidOption(option: "pick choose", message: "session \(session.record.name) has already chosen \(session.record.chosenModel ?? "-")")
        }
        let index: Int
        if let model {
            guard let found = session.modelNames.firstIndex(of: model) else {
                throw .invalidOption(option: "--model", message: "`\(model)` is not a candidate; they are \(session.modelNames.joined(separator: ", "))")
            }
            index = found
        } else {
            index = session.stopDecision?.model ?? session.currentBest
        }
        var update = PickSessionUpdate(expectedStreamPosition: session.record.streamPosition, expectedDraws: session.record.draws, expectedLabelCount: session.labels.count)
        update.choice = choice(session, index, session.stopDecision?.reason ?? "chosen")
        return try write(ledger, session, update)
    }

    /// Parses `id=label` arguments and CSV files (`id,label` records, optional header; `CSVTokenizer`).
    public static func parseLabels(arguments: [String]) throws(EaseMLCIError) -> [(id: String, label: String)] {
        var result: [(id: String, label: String)] = []
        for argument in arguments {
            if let equals = argument.firstIndex(of: "=") {
                result.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
                continue
            }
            guard let data = FileManager.default.contents(atPath: argument) else {
                throw .unreadableFile(path: argument, reason: "no such file or not readable (or give labels as id=label)")
            }
            let records: [CSVRecord]
            do { records = try CSVTokenizer.records(in: data, file: argument) } catch { throw .data(DataFileError(error)) }
            for (index, record) in records.enumerated() {
                let fields = record.fields
                if fields.count == 1 && fields[0].isEmpty { continue }
                guard fields.count >= 2 else { throw .invalidOption(option: "pick label", message: "\(argument):\(record.line): expected `id,label`") }
                if index == 0 && fields[0] == "id" { continue }
                result.append((fields[0], fields[1]))
            }
        }
        return result
    }

    static func choice(_ session: PickSession, _ model: Int, _ reason: String) -> (model: String, fileHash: String, reason: String) {
        let candidate = session.record.session.candidates[model]
        return (candidate.name, candidate.fileHash, reason)
    }

    static func write(_ ledger: Ledger, _ session: PickSession, _ update: PickSessionUpdate) throws(EaseMLCIError) -> PickSession {
        do {
            try ledger.updatePickSession(name: session.record.name, update)
        } catch {
            if case .invalidRequest(let message) = error { throw .invalidOption(option: "pick", message: message) }
            throw .ledger(error)
        }
        return try PickSession.load(ledger, name: session.record.name)
    }
}
