#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EaseMLCore

/// A stopping rule with a frequentist guarantee for choosing among k models on one pool.
///
/// **Statement.** For a pool of N items, tolerance ε and error probability δ: with probability at
/// least 1 − δ over the rule's own random draws, *if* the rule stops with status `certified` or
/// `exact` and chooses ĉ, then acc(ĉ) ≥ acc(j) − ε for every candidate j, where acc is accuracy on
/// the N items of the pool (not on a population they were drawn from). Nothing is assumed about the
/// models or the labels; the labeler's answers are taken as the truth.
///
/// **Method.** Only the m disagreement items (not all k models agree) can separate two models, and
/// acc(i) − acc(j) = (e_j − e_i)/N with e counted on them. The rule draws disagreement items uniformly
/// *with replacement* (i.i.d.; a re-drawn item reuses its label, so labels ≤ draws and ≤ m). For a
/// pair (ĉ, j) each draw gives X = [j wrong] − [ĉ wrong] ∈ {−1, 0, 1}, i.i.d. with mean
/// μ = (e_j − e_ĉ)/m and P(X ≠ 0) ≤ r_ĉj, the known fraction of disagreement items where the two
/// predict differently. "ĉ worse than j by more than ε" is μ < μ₀ = −εN/m. The p-value of that null
/// at S = Σ X is sup P_{μ₀, p}(S ≥ S_obs) over p ∈ [|μ₀|, r_ĉj], computed exactly by the core's
/// `ExactPairedTest` (trinomial law, `PairedDifferenceDistribution`); when r_ĉj ≤ |μ₀| the null is
/// impossible and the pair needs no label. ĉ is certified when every rival is rejected at level
/// δ_s/(k − 1).
///
/// **Why it holds.** Looks happen at draw counts n₁ < n₂ < … (`lookDraws`) with δ_s = δ/(s(s+1)),
/// so Σ_s δ_s ≤ δ. A wrong certificate needs a rejection of a *true* null; if ĉ is worse than the
/// best model b by more than ε, the null for (ĉ, b) is true, so the bad event lies inside the union,
/// over the k − 1 models i that are worse than b by more than ε and over the looks s, of "the test of
/// (i, b) rejects at look s", each of probability ≤ δ_s/(k − 1) (valid for every fixed pair, whatever
/// ĉ turns out to be). Total ≤ δ. When every disagreement item is labeled the errors are exact and
/// the choice is a true best (no error at all). The posterior of ModelPicker plays no part: its
/// importance weights are valid too, but their variance (1/p up to 1/η_t) makes exact tests weak.
public struct ModelPickerStoppingRule: Sendable, Hashable, Codable {
    /// ε ∈ (0, 1): accuracy points on the pool.
    public var epsilon: Double
    /// δ ∈ (0, 1).
    public var delta: Double
    /// n₁, the draws before the first look.
    public var firstLook: Int
    /// n_{s+1} = max(n_s + 1, ⌈growth · n_s⌉).
    public var growth: Double

    public init(epsilon: Double, delta: Double, firstLook: Int = 20, growth: Double = 1.2) throws(ModelPickerError) {
        guard epsilon > 0, epsilon < 1 else { throw .invalidSimulation("ε must be in (0, 1), got \(epsilon)") }
        guard delta > 0, delta < 1 else { throw .invalidSimulation("δ must be in (0, 1), got \(delta)") }
        guard firstLook >= 1, growth > 1, growth.isFinite else { throw .invalidSimulation("looks need n₁ ≥ 1 and growth > 1") }
        self.epsilon = epsilon
        self.delta = delta
        self.firstLook = firstLook
        self.growth = growth
    }

    /// The look index s ≥ 1 when `draws` is a look, else `nil`.
    public func look(atDraws draws: Int) -> Int? {
        var n = firstLook
        var s = 1
        while n < draws {
            n = max(n + 1, Int((Double(n) * growth).rounded(.up)))
            s += 1
        }
        return n == draws ? s : nil
    }

    /// n_s, the draw count of look s ≥ 1.
    public func draws(atLook s: Int) -> Int {
        var n = firstLook
        if s > 1 { for _ in 1..<s { n = max(n + 1, Int((Double(n) * growth).rounded(.up))) } }
        return n
    }

    /// ln δ_s = ln δ − ln s − ln(s + 1).
    public func logDelta(look s: Int) -> Double { log(delta) - log(Double(s)) - log(Double(s + 1)) }

    /// The verdict for `evidence` at look `s` (pass `look(atDraws:)`; 0 when not at a look, which
    /// only reports `exact` or `continuing`).
    public func certificate(_ evidence: ModelSelectionEvidence, look s: Int) -> ModelSelectionCertificate {
        let k = evidence.modelCount
        let exact = evidence.isComplete
        let errors = exact ? evidence.labeledErrors : evidence.drawErrors
        var chosen = 0
        for i in 1..<k where errors[i] < errors[chosen] { chosen = i }
        var logP = [Double](repeating: 0, count: k)
        let logThreshold = s >= 1 ? logDelta(look: s) - log(Double(k - 1)) : -Double.infinity
        var status: ModelSelectionCertificate.Status = exact ? .exact : .continuing
        if !exact && s >= 1 && evidence.disagreementCount > 0 {
            let m = Double(evidence.disagreementCount)
            let mu0 = -epsilon * Double(evidence.poolSize) / m
            // Hardest rival first (smallest S): one failure ends the look.
            let rivals = (0..<k).filter { $0 != chosen }.sorted { errors[$0] < errors[$1] }
            var all = true
            for j in rivals {
                let r = evidence.pairDisagreement[chosen * k + j]
                if r <= -mu0 {
                    logP[j] = -.infinity
                    continue
                }
                let observed = evidence.drawErrors[j] - evidence.drawErrors[chosen]
                // Shortcuts that can only delay a rejection, never cause one (so the guarantee is
                // untouched): a z-score far below what the threshold needs skips the exact tails;
                // the tail at p = r alone is a lower bound on the supremum, so when it exceeds the
                // threshold the grid is skipped.
                let n = Double(evidence.draws)
                let z = (Double(observed) - n * mu0) / (n * (r - mu0 * mu0)).squareRoot()
                if z < (-2 * logThreshold).squareRoot() - 0.8 {
                    logP[j] = 0
                    all = false
                    break
                }
                // Bennett's inequality is a rigorous upper bound on every tail of the null family
                // (variance ≤ r − μ₀², steps X − μ₀ ≤ 1 − μ₀): when it already rejects, the exact
                // tails are not needed.
                let variance = r - mu0 * mu0
                let excess = Double(observed) - n * mu0
                let span = 1 - mu0
                let u = span * excess / (n * variance)
                let bennett = -(n * variance / (span * span)) * ((1 + u) * log1p(u) - u)
                if excess > 0, bennett <= logThreshold {
                    logP[j] = bennett
                    continue
                }
                let top = PairedDifferenceDistribution(trials: evidence.draws, plusProbability: (r + mu0) / 2, minusProbability: (r - mu0) / 2)
                var value = top.logSurvival(observed)
                if value <= logThreshold {
                    // The supremum over the rates ≤ r, proven ≤ the threshold or not certified.
                    let worst = ExactPairedTest(varianceBound: r).upperPValue(
                        trials: evidence.draws, observed: observed, delta: mu0, target: logThreshold)
                    value = worst.certified ? max(value, worst.logValue) : max(worst.logValue, logThreshold.nextUp)
                }
                logP[j] = value
                if value > logThreshold {
                    all = false
                    break
                }
            }
            if all { status = .certified }
        }
        return ModelSelectionCertificate(
            status: status, chosen: chosen, epsilon: epsilon, delta: delta, look: s, draws: evidence.draws,
            labels: evidence.labels, logPValues: logP, logThreshold: logThreshold)
    }
}
