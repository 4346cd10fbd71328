/// What `pick next` prints: the items to label now, as a table, CSV (`id` then the input
/// columns) or JSON (the array of items).
public struct PickNextReport: Sendable {
    public var session: PickSession
    public var items: [PickWorkflow.Item]
    /// The input columns shown beside each id.
    public var columns: [String]

    public init(_ next: (session: PickSession, items: [PickWorkflow.Item], columns: [String])) {
        session = next.session
        items = next.items
        columns = next.columns
    }

    private var rows: [[String]] { items.map { item in [item.id] + columns.map { item.inputs[$0] ?? "" } } }

    public var table: String {
        guard !items.isEmpty else {
            let record = session.record
            return record.status == .open ? "Nothing to label now." : "Session \(record.name) has stopped: chose \(record.chosenModel ?? "-")."
        }
        return TextTable(header: ["id"] + columns, rows: rows, leftColumns: columns.count + 1).render()
    }

    /// `id`, then the input columns, through the one CSV writer (ends with a newline).
    public var csv: String { PickWorkflow.csv(items: items, columns: columns) }

    public var json: String { ReportJSON.text(items) }
}
