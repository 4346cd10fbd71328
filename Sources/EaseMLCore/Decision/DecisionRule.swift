import Foundation

/// The three-valued decision rule of DESIGN §5, with the tightest valid interval per clause.
///
/// Each clause gets an interval [L, U] (or one-sided p-values) valid at its δ′ on each side:
/// exact Clopper–Pearson for one variable, for `n − o` the exact trinomial test when a `d` clause
/// (or an assumption) bounds the disagreement rate and the conditional test otherwise, Chernoff–KL on
/// its own range for any other linear form. `>` is True if L > c, False if U < c, else Unknown (`<` mirrored);
/// fp-free maps Unknown to fail, fn-free to pass; the condition passes iff every clause passes.
/// Whatever N was planned, a verdict keeps its guarantee; N only decides how often it is Unknown.
public struct DecisionRule: Sendable {
    public var condition: Condition
    public var mode: DecisionMode
    /// The bound on P(models disagree) the paired test may assume (see `VarianceBound`).
    public var varianceBound: VarianceBound?

    public init(condition: Condition, mode: DecisionMode, assumedVarianceBound: Double? = nil) {
        self.condition = condition
        self.mode = mode
        self.varianceBound = VarianceBound.derive(for: condition, mode: mode, assumed: assumedVarianceBound)
    }

    /// Decides the condition from one evaluation's counts, each clause at ln δ′ = `logDeltaPerClause`.
    public func decide(_ counts: EvaluationCounts, logDeltaPerClause: Double) throws(DecisionError) -> Verdict {
        guard counts.total > 0 else { throw .emptyTestSet }
        var verdicts: [ClauseVerdict] = []
        for (index, clause) in condition.clauses.enumerated() {
            verdicts.append(try decide(clause, index: index, counts: counts, logDelta: logDeltaPerClause))
        }
        return Verdict(
            passed: verdicts.allSatisfy(\.passed), mode: mode, logDeltaPerClause: logDeltaPerClause,
            clauses: verdicts)
    }

    private func decide(_ clause: Clause, index: Int, counts: EvaluationCounts, logDelta: Double) throws(DecisionError) -> ClauseVerdict {
        let normalized = NormalizedClause(clause)
        let n = counts.total
        func missing(_ what: String) -> DecisionError { .missingStatistic(clause: "\(clause)", needs: what) }
        // Scale between the clause's expression and its normalized variable.
        let scale = scaleFromCoefficients(clause, normalized)
        var verdict = ClauseVerdict(
            clauseIndex: index, clause: "\(clause)", method: .hoeffding, truth: .unknown, passed: false,
            estimate: 0, lower: 0, upper: 0, logPValueAbove: nil, logPValueBelow: nil)
        let above: Bool
        let below: Bool
        switch normalized.shape {
        case .single(let variable):
            let count: Int? = switch variable {
            case .new: counts.newCorrect
            case .old: counts.oldCorrect
            case .disagreement: counts.predictionsDiffer
            }
            guard let count else {
                throw missing(variable == .disagreement ? "the old model's predictions" : "labels for every example\(variable == .old ? " and the old model" : "")")
            }
            let lower = ClopperPearson.lowerBound(successes: count, trials: n, logAlpha: logDelta)
            let upper = ClopperPearson.upperBound(successes: count, trials: n, logAlpha: logDelta)
            above = lower > normalized.threshold
            below = upper < normalized.threshold
            verdict.method = .clopperPearson
            verdict.estimate = scale * Double(count) / Double(n)
            (verdict.lower, verdict.upper) = ordered(scale * lower, scale * upper)
        case .paired:
            guard let plus = counts.onlyNewCorrect, let minus = counts.onlyOldCorrect else {
                throw missing("the old model's predictions and labels where the models disagree")
            }
            let c = normalized.threshold
            let s = plus - minus
            verdict.estimate = scale * Double(s) / Double(n)
            verdict.lower = verdict.estimate
            verdict.upper = verdict.estimate
            if let varianceBound {
                // A justified bound p̄ on the disagreement rate: the exact trinomial test, each
                // p-value a supremum over the rates up to p̄, proven ≤ δ′ before it certifies.
                let test = ExactPairedTest(varianceBound: varianceBound.value)
                let pAbove = test.upperPValue(trials: n, observed: s, delta: c, target: logDelta)
                let pBelow = test.lowerPValue(trials: n, observed: s, delta: c, target: logDelta)
                above = pAbove.certified
                below = pBelow.certified
                verdict.method = .exactPaired
                verdict.logPValueAbove = pAbove.logValue
                verdict.logPValueBelow = pBelow.logValue
            } else {
                // No bound: condition on the discordant examples (`ConditionalPairedTest`).
                let pAbove = ConditionalPairedTest.certifiesAbove(wins: plus, losses: minus, trials: n, threshold: c, logDelta: logDelta)
                let pBelow = ConditionalPairedTest.certifiesAbove(wins: minus, losses: plus, trials: n, threshold: -c, logDelta: logDelta)
                above = pAbove.certified
                below = pBelow.certified
                verdict.method = .conditionalPaired
                verdict.logPValueAbove = pAbove.logPValue
                verdict.logPValueBelow = pBelow.logPValue
            }
        case .linear:
            var value = 0.0
            for (variable, coefficient) in clause.expression.coefficients {
                guard let estimate = counts.estimate(variable) else {
                    throw missing(variable == .disagreement ? "the old model's predictions" : "labels for every example")
                }
                value += coefficient * estimate
            }
            // Chernoff–KL on the form's own range (`LinearFormBound`): never wider than Hoeffding.
            let bound = LinearFormBound(clause.expression)
            let lower = bound.lowerBound(value: value, samples: n, logDelta: logDelta)
            let upper = bound.upperBound(value: value, samples: n, logDelta: logDelta)
            above = lower > clause.threshold
            below = upper < clause.threshold
            verdict.method = .chernoff
            verdict.estimate = value
            (verdict.lower, verdict.upper) = (lower, upper)
        }
        let holds = normalized.comparison == .greater ? above : below
        let fails = normalized.comparison == .greater ? below : above
        verdict.truth = holds ? .true : fails ? .false : .unknown
        verdict.passed = verdict.truth == .true || (verdict.truth == .unknown && mode == .fnFree)
        return verdict
    }

    private func scaleFromCoefficients(_ clause: Clause, _ normalized: NormalizedClause) -> Double {
        let coefficients = clause.expression.coefficients
        switch normalized.shape {
        case .single(let variable): return coefficients[variable] ?? 1
        case .paired: return coefficients[.new] ?? 1
        case .linear: return 1
        }
    }

    private func ordered(_ a: Double, _ b: Double) -> (Double, Double) { a <= b ? (a, b) : (b, a) }
}
