extension Ledger {
    /// Audits the ledger, reading only (it never repairs anything).
    ///
    /// 1. Recomputes the hash chain from seq 1: a jump in seq is a `.gap` (deleted events), a
    ///    `prev_hash` that is not the previous event's hash is a `.brokenLink` (reordered or deleted
    ///    events), a stored hash that does not match the event's content is an `.editedEvent`.
    ///    At most one problem is reported per event; checking continues from the stored hash so
    ///    later, independent damage is reported too.
    /// 2. Compares the last seq with the highest seq SQLite ever issued (`sqlite_sequence`):
    ///    deleting the newest events shows as `.truncated`.
    /// 3. Cross-checks evaluations and `charge` events both ways: every evaluation must have a
    ///    charge event whose payload is exactly the one its row implies (else
    ///    `.missingChargeEvent` / `.evaluationMismatch`), and every charge event's evaluation must
    ///    exist (`.missingEvaluation`).
    public func verify() throws(LedgerError) -> VerificationReport {
        try database.transaction(.deferred) { () throws(LedgerError) -> VerificationReport in
            var problems: [VerificationReport.Problem] = []
            let events = try events()
            var expectedSeq: Int64 = 1
            var prevHash = EventChain.genesis
            for event in events {
                if event.seq != expectedSeq {
                    problems.append(.gap(expected: expectedSeq, found: event.seq))
                } else if event.prevHash != prevHash {
                    problems.append(.brokenLink(seq: event.seq))
                } else if event.expectedHash != event.hash {
                    problems.append(.editedEvent(seq: event.seq))
                }
                prevHash = event.hash
                expectedSeq = event.seq + 1
            }
            let lastSeq = events.last?.seq ?? 0
            let issued = try database.query("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
            if let highest = try issued.first?.int64("seq"), highest > lastSeq {
                problems.append(.truncated(lastSeq: lastSeq, highestSeq: highest))
            }

            var chargeEvents: [Int64: (seq: Int64, payload: String)] = [:]
            let chargeRows = try database.query("""
                SELECT seq, payload,
                    CASE WHEN json_valid(payload) THEN json_extract(payload, '$.evaluation') END AS evaluation
                FROM events WHERE kind = 'charge' ORDER BY seq
                """)
            for row in chargeRows {
                guard case let .integer(id)? = row["evaluation"] else { continue }  // an edited event; reported above
                chargeEvents[id] = (try row.int64("seq"), try row.string("payload"))
            }
            var seen = Set<Int64>()
            for row in try database.query("SELECT \(Self.evaluationColumns) FROM evaluations ORDER BY id") {
                let evaluation = try Self.decodeEvaluation(row)
                seen.insert(evaluation.id)
                guard let event = chargeEvents[evaluation.id] else {
                    problems.append(.missingChargeEvent(evaluationID: evaluation.id))
                    continue
                }
                let expected = CanonicalJSON.encode(Self.chargePayload(
                    evaluationID: evaluation.id, testSetID: evaluation.testSetID, newModel: evaluation.newModel,
                    oldModel: evaluation.oldModel ?? "", step: evaluation.step, verdict: evaluation.verdict,
                    revealed: evaluation.revealed))
                if expected != event.payload {
                    problems.append(.evaluationMismatch(evaluationID: evaluation.id))
                }
            }
            for (id, event) in chargeEvents.sorted(by: { $0.value.seq < $1.value.seq }) where !seen.contains(id) {
                problems.append(.missingEvaluation(evaluationID: id, seq: event.seq))
            }
            return VerificationReport(eventCount: events.count, headHash: events.last?.hash ?? EventChain.genesis, problems: problems)
        }
    }
}
