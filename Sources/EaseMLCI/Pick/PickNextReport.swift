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

    public var csv: String {
        ([["id"] + columns] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n")
    }

    public var json: String { ReportJSON.text(items) }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
