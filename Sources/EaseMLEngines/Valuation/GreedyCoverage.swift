import Foundation

/// Greedy k-center (farthest-first) order of candidate rows, with exact squared Euclidean distances.
///
/// Each candidate starts with its squared distance to the nearest row already covered. Repeatedly the
/// candidate with the largest distance is taken (among equal distances, the earliest candidate), and
/// every remaining candidate's distance becomes its squared distance to the taken row when that is
/// smaller. Distances are Σ (a − b)² summed in feature order, the same doubles as a plain loop gives.
///
/// **Method.** The candidates' features are stored column by column, so that one update computes the
/// distances of a chunk of candidates to the taken row feature by feature, each candidate's sum still
/// in feature order, with the candidates in vector lanes; the update and the search for the next
/// farthest candidate are one pass. A taken candidate's column slot is filled by the last remaining
/// one, so each pass touches only the remaining candidates. Large passes are split over all cores.
/// **Cost.** O(m · d) per pick for m remaining candidates; O(m · d) memory.
struct GreedyCoverage {
    /// Candidates per chunk of one pass: its sums stay in the L1 cache.
    static let chunk = 256
    /// Passes with fewer remaining candidate features than this run on one thread.
    static let parallelWork = 1 << 18
    /// Worker threads of a large pass (looked up once: the lookup reads files).
    static let processors = ProcessInfo.processInfo.activeProcessorCount

    /// The first `count` picks of the order of `candidates` (row indices into `rows`, Euclidean),
    /// starting from their squared distances `initial` to the covered rows (`infinity` when none):
    /// for each pick, the candidate's position in `candidates` and its distance when taken.
    static func order(candidates: [Int], of rows: Matrix, initial: [Double], count: Int) -> [(position: Int, distance: Double)] {
        precondition(initial.count == candidates.count, "one initial distance per candidate")
        let m = candidates.count
        let d = rows.columns
        guard m > 0 && count > 0 else { return [] }
        var columns = [Double](repeating: 0, count: m * d)
        for (slot, index) in candidates.enumerated() {
            for f in 0..<d { columns[f * m + slot] = rows.values[index * d + f] }
        }
        var positions = Array(0..<m)
        var nearest = initial
        var taken = [Double](repeating: 0, count: d)
        var picks: [(position: Int, distance: Double)] = []
        picks.reserveCapacity(min(count, m))
        var live = m
        var best = farthest(0..<m, nearest, positions)
        while picks.count < count && live > 0 {
            picks.append((positions[best], nearest[best]))
            live -= 1
            for f in 0..<d {
                taken[f] = columns[f * m + best]
                columns[f * m + best] = columns[f * m + live]
            }
            positions[best] = positions[live]
            nearest[best] = nearest[live]
            guard picks.count < count && live > 0 else { break }
            best = update(columns: &columns, stride: m, live: live, taken: taken, nearest: &nearest, positions: positions)
        }
        return picks
    }

    /// Whether slot `a` is farther than slot `b` (equal distances: the earlier candidate).
    private static func farther(_ a: Int, than b: Int, _ nearest: UnsafePointer<Double>, _ positions: UnsafePointer<Int>) -> Bool {
        nearest[a] > nearest[b] || (nearest[a] == nearest[b] && positions[a] < positions[b])
    }

    /// The farthest of `slots` (not empty).
    private static func farthest<S: Sequence<Int>>(_ slots: S, _ nearest: [Double], _ positions: [Int]) -> Int {
        nearest.withUnsafeBufferPointer { nearest in
            positions.withUnsafeBufferPointer { positions in
                var best = -1
                for slot in slots where best < 0 || farther(slot, than: best, nearest.baseAddress!, positions.baseAddress!) { best = slot }
                return best
            }
        }
    }

    /// Lowers the distances of slots `0..<live` to their distance from `taken` where smaller and
    /// returns the farthest slot afterwards.
    private static func update(
        columns: inout [Double], stride m: Int, live: Int, taken: [Double], nearest: inout [Double], positions: [Int]
    ) -> Int {
        let d = taken.count
        let chunks = (live + chunk - 1) / chunk
        let tasks = live * d >= parallelWork ? min(chunks, processors) : 1
        var bests = [Int](repeating: 0, count: tasks)
        var sums = [Double](repeating: 0, count: tasks * chunk)
        columns.withUnsafeMutableBufferPointer { columns in
            nearest.withUnsafeMutableBufferPointer { nearest in
                var positions = positions
                var taken = taken
                positions.withUnsafeMutableBufferPointer { positions in
                    taken.withUnsafeMutableBufferPointer { taken in
                        bests.withUnsafeMutableBufferPointer { bests in
                            sums.withUnsafeMutableBufferPointer { sums in
                                let pass = Pass(
                                    columns: columns.baseAddress!, stride: m, live: live, chunks: chunks, tasks: tasks,
                                    taken: taken.baseAddress!, features: d, positions: positions.baseAddress!,
                                    nearest: nearest.baseAddress!, bests: bests.baseAddress!, sums: sums.baseAddress!)
                                if tasks == 1 {
                                    pass.run(task: 0)
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: tasks) { pass.run(task: $0) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return farthest(bests, nearest, positions)
    }

    /// One update pass over the remaining candidates, split into `tasks` ranges of chunks that
    /// write disjoint slots of `nearest`, their own entry of `bests` and their own chunk of `sums`.
    private struct Pass: @unchecked Sendable {
        let columns: UnsafeMutablePointer<Double>
        let stride: Int
        let live: Int
        let chunks: Int
        let tasks: Int
        let taken: UnsafeMutablePointer<Double>
        let features: Int
        let positions: UnsafeMutablePointer<Int>
        let nearest: UnsafeMutablePointer<Double>
        let bests: UnsafeMutablePointer<Int>
        let sums: UnsafeMutablePointer<Double>

        func run(task: Int) {
            let sum = sums + task * GreedyCoverage.chunk
            var best = -1
            for c in (task * chunks / tasks)..<((task + 1) * chunks / tasks) {
                let start = c * GreedyCoverage.chunk
                let n = min(GreedyCoverage.chunk, live - start)
                sum.update(repeating: 0, count: n)
                for f in 0..<features {
                    let value = taken[f]
                    let column = columns + f * stride + start
                    for j in 0..<n {
                        let difference = column[j] - value
                        sum[j] += difference * difference
                    }
                }
                for j in 0..<n {
                    let slot = start + j
                    if sum[j] < nearest[slot] { nearest[slot] = sum[j] }
                    if best < 0 || farther(slot, than: best, nearest, positions) { best = slot }
                }
            }
            bests[task] = best
        }
    }
}
