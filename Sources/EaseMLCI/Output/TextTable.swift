/// A plain-text table: the first `leftColumns` columns left-aligned, the others right-aligned
/// unless listed in `alsoLeft`.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []
    public var leftColumns = 1
    public var alsoLeft: Set<Int> = []

    public init(header: [String], rows: [[String]] = [], leftColumns: Int = 1, alsoLeft: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.leftColumns = leftColumns
        self.alsoLeft = alsoLeft
    }

    /// The table as lines of text, columns separated by two spaces.
    public func render() -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < leftColumns || alsoLeft.contains(column) ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
