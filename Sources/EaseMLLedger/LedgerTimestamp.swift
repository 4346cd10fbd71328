import Foundation

/// Timestamps as stored in the ledger: ISO 8601 in UTC with milliseconds, e.g.
/// `2025-01-31T12:00:00.123Z`. Stored as text so the hash chain covers the exact characters.
enum LedgerTimestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func format(_ date: Date) -> String { style.format(date) }

    static func now() -> String { format(Date()) }

    static func parse(_ text: String, column: String) throws(LedgerError) -> Date {
        guard let date = try? style.parse(text) else {
            throw .inconsistent("\(column) is not an ISO 8601 timestamp: \(text)")
        }
        return date
    }
}
