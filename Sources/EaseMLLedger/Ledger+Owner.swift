import Foundation

/// The integration owner's decisions (schema version 5): each needs the owner's key, is one
/// transaction and one authenticated event.
extension Ledger {
    /// Records a new question for a test set from its next step on. `logTranscripts` is ln of the
    /// transcripts all the questions asked of the set count together (the union bound the
    /// amended set's verdicts are decided under). Throws `.unknownTestSet`.
    @discardableResult
    public func amendQuestion(
        testSetID: String, question: String, questionDigest: String, logTranscripts: Double
    ) throws(LedgerError) -> TestSetRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> TestSetRecord in
            guard let set = try fetchTestSet(id: testSetID) else { throw .unknownTestSet(testSetID: testSetID) }
            guard questionDigest != set.questionDigest else { throw .invalidRequest("the test set already has this question") }
            guard logTranscripts.isFinite else { throw .invalidRequest("the transcript count is not finite") }
            let now = LedgerTimestamp.now()
            let evaluations = try database.query("SELECT count(*) AS n FROM evaluations WHERE test_set_id = ?", [.text(testSetID)])
            let fromStep = try (evaluations.first?.int("n") ?? 0) + 1
            try database.execute("""
                INSERT INTO question_amendments (test_set_id, seq, question, question_digest, from_step, log_transcripts, amended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [
                    .text(testSetID), .int(set.amendments + 1), .text(question), .text(questionDigest), .int(fromStep),
                    .real(logTranscripts), .text(now),
                ])
            try appendEvent(.amend, at: now, payload: [
                "test_set": .string(testSetID), "question": .string(questionDigest), "from_step": .integer(Int64(fromStep)),
            ])
            guard let record = try fetchTestSet(id: testSetID) else { throw .inconsistent("test set \(testSetID) vanished") }
            return record
        }
    }

    /// Records `model` (its predictions' hash and the predictions) as the accepted model of a
    /// test set and branch, on the owner's word: the first baseline of a branch, or a hidden
    /// verdict the owner accepts (`evaluationID`, whose kept predictions are then used).
    @discardableResult
    public func setBaseline(
        testSetID: String, model: String, predictions: Data?, branch: String?, commitID: String?, evaluationID: Int64? = nil
    ) throws(LedgerError) -> AcceptedModel {
        try database.transaction(.immediate) { () throws(LedgerError) -> AcceptedModel in
            guard try fetchTestSet(id: testSetID) != nil else { throw .unknownTestSet(testSetID: testSetID) }
            if let evaluationID {
                let rows = try database.query(
                    "SELECT id FROM evaluations WHERE id = ? AND test_set_id = ? AND new_model = ?",
                    [.integer(evaluationID), .text(testSetID), .text(model)])
                guard !rows.isEmpty else { throw .unknownEvaluation(id: evaluationID) }
            }
            let now = LedgerTimestamp.now()
            try database.execute("""
                INSERT INTO accepted_models (test_set_id, model, predictions, evaluation_id, accepted_at, branch, source, commit_id)
                VALUES (?, ?, ?, ?, ?, ?, 'owner', ?)
                """, [
                    .text(testSetID), .text(model), .blob(predictions), evaluationID.map { .integer($0) } ?? .null, .text(now),
                    .text(branch ?? ""), .text(commitID),
                ])
            try appendEvent(.baseline, at: now, payload: [
                "test_set": .string(testSetID), "model": .string(model), "branch": .string(branch ?? ""),
                "evaluation": evaluationID.map { .integer($0) } ?? .null,
            ])
            guard let accepted = try lastAcceptedModel(testSetID: testSetID, branch: branch) else {
                throw .inconsistent("the baseline of \(testSetID) vanished after insert")
            }
            return accepted
        }
    }

    /// The `charge` event of an evaluation (its position in the chain), or nil.
    public func chargeEvent(evaluationID: Int64) throws(LedgerError) -> LedgerEvent? {
        let match = switch database.dialect {
        case .sqlite: "json_valid(payload) AND json_extract(payload, '$.evaluation') = ?"
        case .postgresql: "(payload::jsonb ->> 'evaluation') = CAST(? AS TEXT)"
        }
        let rows = try database.query("""
            SELECT seq, at, kind, payload, prev_hash, hash, mac FROM events
            WHERE kind = 'charge' AND \(match)
            ORDER BY seq LIMIT 1
            """, [.integer(evaluationID)])
        return try rows.first.map(Self.decodeEvent)
    }

    /// The evaluation with this id, or nil.
    public func evaluation(id: Int64) throws(LedgerError) -> EvaluationRecord? {
        let rows = try database.query("SELECT \(Self.evaluationColumns) FROM evaluations WHERE id = ?", [.integer(id)])
        return try rows.first.map(Self.decodeEvaluation)
    }
}
