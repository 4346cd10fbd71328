import Foundation

/// The lineage of the process (schema version 7): engine runs with the hashes of what they read and
/// wrote. Each run is one `BEGIN IMMEDIATE` transaction with its `lineage` event (no key needed: a
/// run records what happened, it decides nothing the gate says).
extension Ledger {
    /// Records one run and returns it with its id and time.
    @discardableResult
    public func recordLineageRun(
        step: String, command: String, inputs: [LineageRunRecord.Artifact], outputs: [LineageRunRecord.Artifact], decision: String
    ) throws(LedgerError) -> LineageRunRecord {
        guard !step.isEmpty else { throw .invalidRequest("a lineage run needs a step") }
        return try database.transaction(.immediate) { () throws(LedgerError) -> LineageRunRecord in
            let now = LedgerTimestamp.now()
            let inputText = Self.jsonText(inputs), outputText = Self.jsonText(outputs)
            let inserted = try database.query(
                "INSERT INTO lineage_runs (step, command, inputs, outputs, decision, recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [.text(step), .text(command), .text(inputText), .text(outputText), .text(decision), .text(now)])
            guard let id = try inserted.first?.int64("id") else { throw .inconsistent("the new lineage run has no id") }
            try appendEvent(.lineage, at: now, payload: [
                "run": .integer(id), "step": .string(step),
                "inputs": .string(Self.digest(inputText)), "outputs": .string(Self.digest(outputText)),
            ])
            return LineageRunRecord(id: id, step: step, command: command, inputs: inputs, outputs: outputs, decision: decision, recordedAt: now)
        }
    }

    /// Every recorded run, oldest first.
    public func lineageRuns() throws(LedgerError) -> [LineageRunRecord] {
        try database.query("SELECT * FROM lineage_runs ORDER BY id").map { (row) throws(LedgerError) -> LineageRunRecord in
            func artifacts(_ column: String) throws(LedgerError) -> [LineageRunRecord.Artifact] {
                guard let value = try? JSONDecoder().decode([LineageRunRecord.Artifact].self, from: Data(try row.string(column).utf8)) else {
                    throw .inconsistent("lineage_runs.\(column) is not a JSON array of artifacts")
                }
                return value
            }
            return LineageRunRecord(
                id: try row.int64("id"), step: try row.string("step"), command: try row.string("command"),
                inputs: try artifacts("inputs"), outputs: try artifacts("outputs"),
                decision: try row.string("decision"), recordedAt: try row.string("recorded_at"))
        }
    }
}
