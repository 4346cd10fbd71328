import Foundation

/// Computes how many test examples (and labels) a condition needs, for every method, and picks
/// the tightest valid one (DESIGN §5, statistics.md). Pure: no I/O.
public struct SampleSizePlanner: Sendable {
    public var condition: Condition
    public var mode: DecisionMode
    /// A user-stated bound on P(models disagree), used only when no `d` clause gives a tighter one.
    public var assumedVarianceBound: Double?
    /// Bits each revealed answer carries (`RevealLevel`): more transcripts to cover.
    public var bitsPerAnswer: Int
    /// The disagreement rate the owner expects between a new model and the baseline
    /// (`expected_disagreement`): an assumption that sets only the N at which an `n - o` clause
    /// without a `d` bound is promised power. The verdict's guarantee never depends on it.
    public var expectedDisagreement: Double?

    public init(
        condition: Condition, mode: DecisionMode, assumedVarianceBound: Double? = nil, bitsPerAnswer: Int = 1,
        expectedDisagreement: Double? = nil
    ) {
        self.condition = condition
        self.mode = mode
        self.assumedVarianceBound = assumedVarianceBound
        self.bitsPerAnswer = bitsPerAnswer
        self.expectedDisagreement = expectedDisagreement
    }

    /// The variance bound the Bennett and exact paired methods use.
    public var varianceBound: VarianceBound? {
        VarianceBound.derive(for: condition, mode: mode, assumed: assumedVarianceBound)
    }

    /// The error budget for `reliability`, `adaptivity` and `steps` split over this condition.
    public func budget(reliability: Double, adaptivity: Adaptivity, steps: Int) -> ErrorBudget {
        var budget = ErrorBudget(reliability: reliability, adaptivity: adaptivity, steps: steps, clauses: condition.clauses.count)
        budget.bitsPerAnswer = bitsPerAnswer
        return budget
    }

    /// The full plan: every method's N and labels, and the chosen method with the reason.
    public func plan(reliability: Double, adaptivity: Adaptivity, steps: Int) throws(PlanningError) -> SampleSizePlan {
        let budget = try validatedBudget(reliability: reliability, adaptivity: adaptivity, steps: steps)
        let bound = varianceBound
        let methods = PlanningMethod.allCases.map { methodPlan($0, budget: budget, bound: bound) }
        let candidates = methods.filter(\.applies)
        let best = candidates.min { $0.sampleSize < $1.sampleSize }!
        if Double(best.sampleSize) > PlanningError.sampleSizeLimit {
            let worst = best.clauses.max { $0.rawSampleSize < $1.rawSampleSize }!
            throw .needsTooManySamples(
                clause: "\(condition.clauses[worst.clauseIndex])", samples: worst.rawSampleSize)
        }
        let usesExpectation = bound == nil && condition.clauses.contains { NormalizedClause($0).shape == .paired }
        return SampleSizePlan(
            condition: "\(condition)", budget: budget, mode: mode, varianceBound: bound,
            expectedDisagreement: usesExpectation ? expectedDisagreement : nil,
            logDeltaPerClause: budget.logDeltaPerClause, methods: methods, chosen: best.method,
            reason: reason(for: best, among: candidates))
    }

    /// N for one method only (cheaper than a full plan).
    public func sampleSize(
        method: PlanningMethod, reliability: Double, adaptivity: Adaptivity, steps: Int
    ) throws(PlanningError) -> MethodPlan {
        let budget = try validatedBudget(reliability: reliability, adaptivity: adaptivity, steps: steps)
        return methodPlan(method, budget: budget, bound: varianceBound)
    }

    /// The inverse question: how many steps a test set of `testSize` examples supports with
    /// `method`. Returns the largest H (capped at `limit`) at which `testSize` examples keep both
    /// promises with that method (`fits`).
    public func supportedSteps(
        testSize: Int, method: PlanningMethod, reliability: Double, adaptivity: Adaptivity,
        limit: Int = 1_000_000
    ) throws(PlanningError) -> StepSupport {
        try supportedStepsByMode(testSize: testSize, method: method, reliability: reliability, modes: [adaptivity], limit: limit)[0]
    }

    /// The modes `plan --test-size` compares side by side (plus the configured one).
    public static let comparedModes: [Adaptivity] = [.none, .firstChange, .sparse(passes: 3), .sparse(passes: 5), .sparse(passes: 10), .full]

    /// How many steps a test set of `testSize` supports under each of `modes`, with `method`
    /// (searched up to `limit` steps).
    ///
    /// Whether N examples fit depends on the settings only through the number of transcripts the
    /// union bound covers, and monotonically, so the largest ln(transcripts) N can serve is found
    /// once (`servedLogTranscripts`); each mode's H is then the largest whose own count stays
    /// within it, a closed-form search.
    public func supportedStepsByMode(
        testSize: Int, method: PlanningMethod, reliability: Double, modes: [Adaptivity], limit: Int = 1_000_000
    ) throws(PlanningError) -> [StepSupport] {
        let served = try servedLogTranscripts(testSize: testSize, method: method, reliability: reliability)
        return modes.map { mode in
            func fits(_ steps: Int) -> Bool {
                guard let served else { return false }
                return budget(reliability: reliability, adaptivity: mode, steps: steps).logTranscripts <= served
            }
            guard fits(1) else { return StepSupport(steps: 0, bits: 0, reachedLimit: false, adaptivity: mode) }
            var good = 1
            var bad: Int? = nil
            while bad == nil, good < limit {
                let next = min(limit, good * 2)
                if fits(next) { good = next } else { bad = next }
            }
            if var high = bad {
                while high - good > 1 {
                    let mid = good + (high - good) / 2
                    if fits(mid) { good = mid } else { high = mid }
                }
            }
            return StepSupport(
                steps: good, bits: budget(reliability: reliability, adaptivity: mode, steps: good).leakageBits,
                reachedLimit: bad == nil, adaptivity: mode)
        }
    }

    /// The largest ln(number of transcripts) at which `testSize` examples keep both promises of
    /// every clause with `method` (to a relative 10⁻⁶); `nil` when not even one transcript fits.
    public func servedLogTranscripts(testSize: Int, method: PlanningMethod, reliability: Double) throws(PlanningError) -> Double? {
        var budget = try validatedBudget(reliability: reliability, adaptivity: .full, steps: 1)
        func fits(_ logTranscripts: Double, necessaryOnly: Bool = false) -> Bool {
            budget.amendedLogTranscripts = logTranscripts
            return self.fits(testSize: testSize, method: method, budget: budget, necessaryOnly: necessaryOnly)
        }
        func boundary(from start: Double, to end: Double?, necessaryOnly: Bool) -> Double {
            var good = start
            var bad = end ?? max(1, 2 * start)
            if end == nil {
                while fits(bad, necessaryOnly: necessaryOnly) {
                    good = bad
                    bad *= 2
                    if bad > 1e9 { return good }
                }
            }
            while bad - good > max(1e-6, 1e-6 * good) {
                let mid = (good + bad) / 2
                if fits(mid, necessaryOnly: necessaryOnly) { good = mid } else { bad = mid }
            }
            return good
        }
        guard fits(0) else { return nil }
        // The necessary condition's boundary first (cheap); the proof usually confirms it at once.
        let upper = boundary(from: 0, to: nil, necessaryOnly: true)
        if fits(upper) { return upper }
        return boundary(from: 0, to: upper, necessaryOnly: false)
    }

    /// For each clause, the smallest tolerance it can be tested at with `testSize` examples at
    /// this reliability, adaptivity and number of steps (the other clauses as written), with the
    /// method that needs the fewest examples for it; `nil` when even a tolerance of 0.5 does not fit.
    /// Found by bisection on ln ε to 0.2 %, then given to three significant digits (rounded down
    /// when that still fits, else up).
    public func smallestTolerances(
        testSize: Int, reliability: Double, adaptivity: Adaptivity, steps: Int
    ) throws(PlanningError) -> [ClauseTolerance] {
        _ = try validatedBudget(reliability: reliability, adaptivity: adaptivity, steps: steps)
        var answers: [ClauseTolerance] = []
        for (index, clause) in condition.clauses.enumerated() {
            func fits(_ tolerance: Double) -> Bool {
                var changed = self
                changed.condition.clauses[index].tolerance = tolerance * abs(clause.tolerance / NormalizedClause(clause).tolerance)
                return PlanningMethod.allCases.contains { method in
                    (try? changed.fits(testSize: testSize, method: method, reliability: reliability, adaptivity: adaptivity, steps: steps, onlyClause: index)) == true
                }
            }
            var hi = 0.5
            var smallest: Double? = nil
            if fits(hi) {
                var lo = 1e-5
                if fits(lo) { hi = lo } else {
                    for _ in 0..<13 {
                        let mid = (lo * hi).squareRoot()
                        if fits(mid) { hi = mid } else { lo = mid }
                    }
                }
                // Three significant digits: the lower rounding when it still fits, else the upper.
                let digits = pow(10, floor(log10(hi)) - 2)
                let down = (hi / digits).rounded(.down) * digits
                let up = (hi / digits).rounded(.up) * digits
                smallest = fits(down) ? down : fits(up) ? up : hi
            }
            answers.append(ClauseTolerance(
                clauseIndex: index, clause: "\(clause)", tolerance: NormalizedClause(clause).tolerance, smallest: smallest))
        }
        return answers
    }

    /// Whether `testSize` examples keep both promises of every clause with `method` (the clauses it
    /// does not cover with Hoeffding), evaluated at that N directly: as costly as one evaluation of
    /// the test, however large the N a plan for these settings would ask for.
    public func fits(
        testSize n: Int, method: PlanningMethod, reliability: Double, adaptivity: Adaptivity, steps: Int,
        onlyClause: Int? = nil
    ) throws(PlanningError) -> Bool {
        fits(testSize: n, method: method, budget: try validatedBudget(reliability: reliability, adaptivity: adaptivity, steps: steps), onlyClause: onlyClause)
    }

    /// `necessaryOnly`: for the exact paired test with a bound, only the tails at p̄ (no proof), a
    /// necessary condition: the searches find the boundary with it and confirm with the proof.
    func fits(testSize n: Int, method: PlanningMethod, budget: ErrorBudget, onlyClause: Int? = nil, necessaryOnly: Bool = false) -> Bool {
        let bound = varianceBound
        let logDelta = budget.logDeltaPerClause
        for (index, clause) in condition.clauses.enumerated() where onlyClause == nil || onlyClause == index {
            let normalized = NormalizedClause(clause)
            let above = normalized.certifiesAbove(in: mode)
            let fits: Bool
            switch (method, normalized.shape) {
            case (.exact, .single):
                let (p0, p1) = bernoulliHypotheses(normalized, above: above)
                if p0 < 1, Double(n) <= Double(ExactBinomialTest.largestExactSearch) {
                    fits = ExactBinomialTest.separates(trials: n, null: p0, alternative: p1, logDelta: logDelta)
                } else {
                    fits = requirement(method, clause: clause, index: index, budget: budget, bound: bound).sampleSize <= n
                }
            case (.exact, .paired):
                let c0 = above ? normalized.threshold : -normalized.threshold
                if let bound {
                    let test = ExactPairedTest(varianceBound: bound.value)
                    let c1 = test.alternative(null: c0, tolerance: normalized.tolerance)
                    // The tails at p̄ alone are a necessary condition and cost no proof: most
                    // candidates of a search fail there.
                    fits = c1 > c0
                        && test.separatesAtBound(trials: n, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta)
                        && (necessaryOnly || test.plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
                } else {
                    let c1 = c0 + 2 * normalized.tolerance
                    fits = c1 <= 1 && ConditionalPairedTest.logMiss(
                        trials: n, null: c0, alternative: c1, disagreement: expectedDisagreement ?? 1, logDelta: logDelta) <= logDelta
                }
            default:
                fits = requirement(method, clause: clause, index: index, budget: budget, bound: bound).sampleSize <= n
            }
            if !fits { return false }
        }
        return true
    }

    private func validatedBudget(reliability: Double, adaptivity: Adaptivity, steps: Int) throws(PlanningError) -> ErrorBudget {
        guard reliability > 0, reliability < 1 else {
            throw .invalidInput("reliability must be in the open interval (0, 1), got \(reliability)")
        }
        guard steps >= 1 else { throw .invalidInput("steps must be at least 1, got \(steps)") }
        guard !condition.clauses.isEmpty else { throw .invalidInput("the condition has no clauses") }
        return budget(reliability: reliability, adaptivity: adaptivity, steps: steps)
    }

    private func methodPlan(_ method: PlanningMethod, budget: ErrorBudget, bound: VarianceBound?) -> MethodPlan {
        let requirements = condition.clauses.enumerated().map { index, clause in
            requirement(method, clause: clause, index: index, budget: budget, bound: bound)
        }
        let largest = requirements.max { $0.rawSampleSize < $1.rawSampleSize }!
        let n = requirements.map(\.sampleSize).max()!
        return MethodPlan(
            method: method, applies: method == .hoeffding || requirements.contains { $0.method == method },
            clauses: requirements, sampleSize: n, rawSampleSize: largest.rawSampleSize,
            labels: labels(sampleSize: n, raw: largest.rawSampleSize, bound: bound))
    }

    private func requirement(
        _ method: PlanningMethod, clause: Clause, index: Int, budget: ErrorBudget, bound: VarianceBound?
    ) -> ClauseRequirement {
        let normalized = NormalizedClause(clause)
        let logDelta = budget.logDeltaPerClause
        func result(_ used: PlanningMethod, _ raw: Double, _ note: String? = nil) -> ClauseRequirement {
            let n = raw.isFinite ? Int(min(raw.rounded(.up), 9e18)) : Int.max
            return ClauseRequirement(clauseIndex: index, method: used, rawSampleSize: raw, sampleSize: max(1, n), note: note)
        }
        let hoeffding = HoeffdingBound.sampleSize(
            for: normalized, originalTolerance: clause.tolerance, logDelta: logDelta)
        let fallback = { (why: String) in result(.hoeffding, hoeffding, why) }
        let above = normalized.certifiesAbove(in: mode)
        switch method {
        case .hoeffding:
            return result(.hoeffding, hoeffding)
        case .bennett:
            switch normalized.shape {
            case .paired:
                guard let bound else { return fallback("no variance bound: add a `d < A +/- ε` clause or variance_bound") }
                return result(.bennett, BennettBound.sampleSize(
                    tolerance: normalized.tolerance, varianceBound: bound.value,
                    logDelta: budget.logDelta, logTranscripts: budget.logTranscripts))
            case .single(.disagreement) where normalized.comparison == .less:
                let p = mode == .fpFree ? normalized.threshold : normalized.threshold + 2 * normalized.tolerance
                guard p > 0, p <= 1 else { return fallback("Bennett needs a positive bound on d") }
                return result(.bennett, BennettBound.sampleSize(
                    tolerance: normalized.tolerance, varianceBound: p,
                    logDelta: budget.logDelta, logTranscripts: budget.logTranscripts))
            default:
                return fallback("Bennett (Pattern 1) covers only `n - o` and `d < A` clauses")
            }
        case .chernoff:
            if case .linear = normalized.shape {
                let (p0, p1) = LinearFormBound(clause.expression).hypotheses(
                    threshold: clause.threshold, tolerance: clause.tolerance, above: above)
                guard p0 < 1 else { return fallback("the clause can never be certified") }
                return result(.chernoff, ChernoffBound.sampleSize(null: p0, alternative: p1, logDelta: logDelta))
            }
            guard case .single = normalized.shape else { return fallback("Chernoff–KL covers one-variable clauses and linear forms; `n - o` has its exact tests") }
            let (p0, p1) = bernoulliHypotheses(normalized, above: above)
            guard p0 < 1 else { return fallback("the clause can never be certified") }
            return result(.chernoff, ChernoffBound.sampleSize(null: p0, alternative: p1, logDelta: logDelta))
        case .exact:
            switch normalized.shape {
            case .single:
                let (p0, p1) = bernoulliHypotheses(normalized, above: above)
                guard p0 < 1 else { return fallback("the clause can never be certified") }
                if let n = ExactBinomialTest.stableSampleSize(null: p0, alternative: p1, logDelta: logDelta) {
                    return result(.exact, Double(n))
                }
                return result(.chernoff, ChernoffBound.sampleSize(null: p0, alternative: p1, logDelta: logDelta),
                              "above 2·10⁷ examples the exact search is replaced by Chernoff–KL")
            case .paired:
                let c0 = above ? normalized.threshold : -normalized.threshold
                guard let bound else {
                    // No bound on d: the conditional test, whose size holds at every rate; the
                    // expected rate (an assumption) only sets the N at which power is promised.
                    let rate = expectedDisagreement ?? 1
                    if let n = ConditionalPairedTest.sampleSize(null: c0, tolerance: normalized.tolerance, disagreement: rate, logDelta: logDelta) {
                        return result(.exact, Double(n), expectedDisagreement == nil
                            ? "no bound on d and no expected disagreement: power planned at p = 1"
                            : "power planned at the assumed disagreement rate \(format(rate))")
                    }
                    return fallback("the conditional paired search did not converge below 2·10⁷ examples")
                }
                let test = ExactPairedTest(varianceBound: bound.value)
                if let size = test.stableSampleSize(null: c0, tolerance: normalized.tolerance, logDeltaSize: logDelta, logDeltaMiss: logDelta) {
                    return result(.exact, Double(size.sampleSize), size.scanned ? nil
                        : "a larger test set keeps both promises for certain from N = \(IntegerText.grouped(size.everyLargerFrom)) on (Chernoff's bounds); the sizes in between were not all checked")
                }
                return fallback("the exact paired search did not converge below 2·10⁷ examples")
            case .linear:
                var kl = requirement(.chernoff, clause: clause, index: index, budget: budget, bound: bound)
                if kl.method == .chernoff { kl.note = "a linear form is sized (and decided) with Chernoff–KL on its range" }
                return kl
            }
        }
    }

    /// (p₀, p₁) for the Bernoulli variable the clause certifies: x itself when certifying
    /// "above", 1 − x when certifying "below".
    private func bernoulliHypotheses(_ clause: NormalizedClause, above: Bool) -> (Double, Double) {
        let p0 = above ? clause.threshold : 1 - clause.threshold
        return (max(0, p0), min(1, p0 + 2 * clause.tolerance))
    }

    private func labels(sampleSize n: Int, raw: Double, bound: VarianceBound?) -> LabelRequirement {
        let labelled = condition.clauses.map(NormalizedClause.init).filter { clause in
            clause.shape != .single(.disagreement)
        }
        if labelled.isEmpty { return .none }
        guard labelled.allSatisfy({ $0.shape == .paired }) else { return .all(n) }
        guard let bound, bound.value < 1 else {
            if bound == nil, let expectedDisagreement, expectedDisagreement < 1 {
                return .disagreementsOnly(expectedAtMost: Int((expectedDisagreement * Double(n)).rounded(.up)))
            }
            return .disagreementsOnlyUnbounded(atMost: n)
        }
        return .disagreementsOnly(expectedAtMost: Int((bound.value * raw).rounded(.up)))
    }

    private func reason(for best: MethodPlan, among candidates: [MethodPlan]) -> String {
        let baseline = candidates.first { $0.method == .hoeffding }!
        let n = IntegerText.grouped
        var text = "needs N = \(n(best.sampleSize)), the fewest among the methods that apply"
        if best.method != .hoeffding {
            let ratio = Double(baseline.sampleSize) / Double(best.sampleSize)
            text += String(format: " (%.1f× fewer than", ratio) + " the paper's Hoeffding N = \(n(baseline.sampleSize)))"
        }
        let others = candidates.filter { $0.method != best.method && $0.method != .hoeffding }
            .map { "\($0.method.rawValue) \(n($0.sampleSize))" }
        if !others.isEmpty { text += "; others: " + others.joined(separator: ", ") }
        return text
    }
}

/// How many evaluations a test set of a given size supports.
public struct StepSupport: Sendable, Hashable, Codable {
    /// The largest H whose plan fits; 0 if not even one evaluation fits.
    public var steps: Int
    /// The information a developer can extract over those steps, in bits.
    public var bits: Double
    /// True when `steps` is the search limit, i.e. the set supports at least that many.
    public var reachedLimit: Bool
    public var adaptivity: Adaptivity
}

/// The smallest tolerance one clause can be tested at with a given test set (`plan --test-size`).
public struct ClauseTolerance: Sendable, Hashable, Codable {
    public var clauseIndex: Int
    public var clause: String
    /// The tolerance as written (on the clause's normalized variable).
    public var tolerance: Double
    /// The smallest tolerance that fits, on the same scale; `nil` when none up to 0.5 does.
    public var smallest: Double?
}
