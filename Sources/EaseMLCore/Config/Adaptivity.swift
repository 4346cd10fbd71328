import Foundation

/// How much a developer learns from each evaluation on one test set (DESIGN §5–6).
///
/// Every mode is a bound on the number of distinct transcripts (sequences of answers) a
/// developer can see over the test set's life; the union bound runs over that number. Spelled in
/// `.easeml.yml` and on the command line as its `rawValue`: `none`, `full`, `firstChange`,
/// `sparse:B`.
public enum Adaptivity: Sendable, Hashable {
    /// The developer sees nothing; the verdict goes to the integration owner. H transcripts.
    case none
    /// Every verdict is shown. 2^H transcripts.
    case full
    /// Verdicts are shown and the first pass retires the test set (`hybrid` in the paper).
    /// H transcripts: all that varies is where the first pass falls.
    case firstChange
    /// Every verdict is shown and the B-th pass retires the set. A transcript is fixed by where its
    /// (at most B) passes fall: Σ_{i ≤ B} C(H, i) transcripts, far fewer than 2^H when passes are
    /// rare, as they are for a gate that accepts a few real improvements.
    case sparse(passes: Int)
    /// Every verdict is shown, and a commit passes only when, besides the condition, its accuracy on
    /// the set is at least η above the best model accepted on the set so far (and above the owner's
    /// `floor`). Each pass raises that bar by η, so at most K = ⌊(1 − floor)/η⌋ passes can occur:
    /// the transcripts are those of `sparse: K` (Blum and Hardt's Ladder).
    case ladder(gain: Double, floor: Double)

    /// The modes without a parameter, in the order the command line lists them.
    public static let plainModes: [Adaptivity] = [.none, .full, .firstChange]

    /// The largest B `sparse:B` accepts.
    public static let largestSparsePasses = 1_000_000

    /// The natural logarithm of the number of transcripts over `steps` evaluations.
    /// Kept in log space: `full` with 1,000 steps is 693.1, far beyond `Double`'s range as 2^H.
    public func logTranscripts(steps: Int) -> Double {
        precondition(steps >= 1, "steps must be at least 1")
        switch self {
        case .none, .firstChange: return log(Double(steps))
        case .full: return Double(steps) * log(2.0)
        case .sparse(let b):
            if b >= steps { return Double(steps) * log(2.0) }
            return LogSpace.logSumExp((0...b).map { LogSpace.logChoose(steps, $0) })
        case .ladder:
            return Adaptivity.sparse(passes: passLimit).logTranscripts(steps: steps)
        }
    }

    /// Bits a developer can learn over `steps` evaluations: log₂ of the number of transcripts.
    public func leakageBits(steps: Int) -> Double {
        switch self {
        case .none: return 0
        case .firstChange, .full, .sparse, .ladder: return logTranscripts(steps: steps) / log(2.0)
        }
    }

    /// The most passes the mode allows over a set's life (`Int.max` when unlimited).
    public var passLimit: Int {
        switch self {
        case .none, .full: Int.max
        case .firstChange: 1
        case .sparse(let b): b
        case .ladder(let gain, let floor): max(0, Int(((1 - floor) / gain + 1e-9).rounded(.down)))
        }
    }

    /// The spelling used in `.easeml.yml` and on the command line.
    public var spelling: String { rawValue }
}

extension Adaptivity: RawRepresentable {
    /// `none`, `full`, `firstChange`, `sparse:B` with B a whole number from 1 to 1,000,000, or
    /// `ladder:η floor:F` with 0 < η ≤ 1 − F, 0 ≤ F < 1.
    public init?(rawValue: String) {
        switch rawValue {
        case "none": self = .none
        case "full": self = .full
        case "firstChange": self = .firstChange
        case let text where text.hasPrefix("ladder:"):
            let parts = text.dropFirst("ladder:".count).split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard parts.count == 2, let gain = Double(parts[0]), parts[1].hasPrefix("floor:"),
                let floor = Double(parts[1].dropFirst("floor:".count)),
                gain > 0, floor >= 0, floor < 1, gain <= 1 - floor
            else { return nil }
            self = .ladder(gain: gain, floor: floor)
        default:
            guard rawValue.hasPrefix("sparse:"),
                let b = Int(rawValue.dropFirst("sparse:".count).trimmingCharacters(in: .whitespaces)),
                b >= 1, b <= Self.largestSparsePasses
            else { return nil }
            self = .sparse(passes: b)
        }
    }

    public var rawValue: String {
        switch self {
        case .none: "none"
        case .full: "full"
        case .firstChange: "firstChange"
        case .sparse(let b): "sparse:\(b)"
        case .ladder(let gain, let floor): "ladder:\(format(gain)) floor:\(format(floor))"
        }
    }
}

extension Adaptivity: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Adaptivity(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown adaptivity \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
