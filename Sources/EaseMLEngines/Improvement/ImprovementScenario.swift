/// A simulated starting point for the improvement loop, built from a complete labelled dataset so
/// that an oracle knows every true cell and label.
///
/// Split (deterministic, documented): data row r (0-based, file order) is validation when
/// r % 10 ≥ 7; the other rows, numbered t = 0, 1, … in file order, are labelled training rows when
/// t % 4 == 0 and unlabelled pool rows otherwise. With a seeded generator, each labelled row is
/// dirty with probability `missingRows`, and each cell of a dirty row is missing with probability
/// `missingCells` (at least one cell per dirty row). Candidate repairs are the built-in ones
/// (`CandidateRepairs.builtIn`, mean first). Every column is min–max scaled by the observed cells of
/// the labelled rows (a constant column is left unscaled).
public struct ImprovementScenario: Sendable {
    /// The loop at the start.
    public var loop: ImprovementLoop
    /// The true (scaled) values of every labelled training row.
    public var trueRows: [[Double]]
    /// The true class code of every pool row.
    public var poolLabels: [Int]
    /// Cells removed, in all.
    public var missingCells: Int

    /// Builds the scenario; `labels` are class codes 0..<classCount.
    public static func make(
        features: [[Double]], labels: [Int], classCount: Int, missingRows: Double, missingCells: Double, k: Int, seed: UInt64
    ) throws(CandidateRepairError) -> ImprovementScenario {
        precondition(features.count == labels.count && (0...1).contains(missingRows) && (0...1).contains(missingCells))
        let validationRows = features.indices.filter { $0 % 10 >= 7 }
        let trainingRows = features.indices.filter { $0 % 10 < 7 }
        let labelled = trainingRows.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        let pool = trainingRows.enumerated().filter { $0.offset % 4 != 0 }.map(\.element)
        var generator = SeededRandomGenerator(seed: seed)
        let width = features.first?.count ?? 0
        var dirty = labelled.map { features[$0] }
        var removed = 0
        for r in dirty.indices where generator.uniform() < missingRows && width > 0 {
            var cells = (0..<width).filter { _ in generator.uniform() < missingCells }
            if cells.isEmpty { cells = [generator.below(width)] }
            for c in cells { dirty[r][c] = .nan }
            removed += cells.count
        }
        var low = [Double](repeating: 0, count: width)
        var range = [Double](repeating: 1, count: width)
        for c in 0..<width {
            let cells = dirty.map { $0[c] }.filter { !$0.isNaN }
            guard let minimum = cells.min(), let maximum = cells.max(), maximum > minimum else { continue }
            low[c] = minimum
            range[c] = maximum - minimum
        }
        func scaled(_ row: [Double]) -> [Double] { row.indices.map { (row[$0] - low[$0]) / range[$0] } }
        let candidates = try CandidateRepairs.builtIn(features: Matrix(rowArrays: dirty.map(scaled)))
        let loop = ImprovementLoop(
            candidates: candidates, labels: labelled.map { labels[$0] }, pool: pool.map { scaled(features[$0]) },
            validation: validationRows.map { scaled(features[$0]) }, validationLabels: validationRows.map { labels[$0] },
            classCount: classCount, k: k)
        return ImprovementScenario(
            loop: loop, trueRows: labelled.map { scaled(features[$0]) }, poolLabels: pool.map { labels[$0] }, missingCells: removed)
    }
}
