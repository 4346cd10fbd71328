import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq (`PostgresLibrary`, loaded at run time), speaking the
/// ledger's SQL: `?` placeholders are numbered `$1, $2, …` here (outside quoted text), values come
/// back as the same `SQLiteValue`s the SQLite connection gives (BIGINT/INTEGER → integer, DOUBLE
/// PRECISION → real, BYTEA → blob, everything else text), so a row's digest is the same on both.
///
/// Transactions mirror SQLite's: `.immediate` takes one transaction-scoped advisory lock that every
/// writer of the ledger takes first, so writers run one at a time (as SQLite's write lock makes
/// them) and each sees every earlier commit; `.deferred` reads one snapshot (REPEATABLE READ).
/// Nested calls become savepoints. A lost connection is `LedgerError.connectionLost`: the caller
/// never learns an outcome it was not told, and a charge whose COMMIT did not answer is treated
/// as not made (no verdict is revealed; the retry replays it if it did commit).
final class PostgresConnection: LedgerDatabase {
    let location: String
    let dialect = LedgerDialect.postgresql
    private let library: PostgresLibrary
    private let handle: OpaquePointer
    private var depth = 0

    /// The advisory lock key every ledger writer takes (the ASCII of "easeml").
    static let writeLock: Int64 = 0x6561_7365_6D6C

    /// Connects to `url` (`postgresql://user:password@host:port/database?sslmode=…`); the
    /// description of the ledger (`location`) is the URL without its password.
    init(url: String) throws(LedgerError) {
        library = try PostgresLibrary.shared.get()
        location = Self.redacted(url)
        guard let connection = library.connectdb(url) else {
            throw .connectionLost(message: "libpq could not allocate a connection", operation: "connecting to \(location)")
        }
        guard library.status(connection) == CONNECTION_OK else {
            let message = (library.errorMessage(connection).map { String(cString: $0) } ?? "unknown error").trimmingCharacters(in: .whitespacesAndNewlines)
            library.finish(connection)
            // The server answered and refused (a role, database or password it does not accept):
            // a configuration to fix, not an outage to wait out — unless it refused because of its
            // own state (shutting down, starting up, full), which passes like an outage.
            if message.contains("FATAL:") && !Self.refusesForNow(message) {
                throw .postgres(state: nil, message: message, operation: "connecting to \(location)")
            }
            throw .connectionLost(message: message, operation: "connecting to \(location)")
        }
        handle = connection
        _ = library.setNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET lock_timeout = '30s'")
    }

    deinit {
        library.finish(handle)
    }

    /// Whether a refused connection's message is the server's state rather than the client's
    /// configuration. libpq gives no SQLSTATE for a failed connection, so these are the server's
    /// messages for class 57P03 (cannot connect now) and 53300 (too many connections).
    static func refusesForNow(_ message: String) -> Bool {
        let transient = [
            "the database system is shutting down", "the database system is starting up",
            "the database system is in recovery mode", "the database system is not yet accepting connections",
            "the database system is not accepting connections", "sorry, too many clients already",
            "remaining connection slots are reserved",
        ]
        return transient.contains { message.contains($0) }
    }

    /// `url` without the password (in the user-info part or a `password=` parameter).
    static func redacted(_ url: String) -> String {
        var text = url
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = text[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") { text.replaceSubrange(colon..<at, with: ":***") }
        }
        if let range = text.range(of: #"password=[^&]*"#, options: .regularExpression) { text.replaceSubrange(range, with: "password=***") }
        return text
    }

    /// `?` placeholders numbered `$1, $2, …`, skipping quoted text.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var count = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                count += 1
                out += "$\(count)"
            } else {
                out.append(character)
            }
        }
        return out
    }

    var isInTransaction: Bool { depth > 0 }

    /// Runs statements without parameters (several at once: the simple query protocol).
    func execute(_ sql: String) throws(LedgerError) {
        _ = try run(sql, [], simple: true)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLiteValue]) throws(LedgerError) -> Int {
        try run(Self.numbered(sql), parameters).changes
    }

    func query(_ sql: String, _ parameters: [SQLiteValue]) throws(LedgerError) -> [SQLiteRow] {
        try run(Self.numbered(sql), parameters).rows
    }

    func transaction<T>(_ kind: SQLiteDatabase.TransactionKind, _ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        if depth > 0 {
            depth += 1
            let name = "easeml_sp\(depth)"
            defer { depth -= 1 }
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE SAVEPOINT \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO SAVEPOINT \(name)")
                throw error
            }
        }
        do {
            switch kind {
            case .deferred: try execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            case .immediate, .exclusive: try execute("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(\(Self.writeLock))")
            }
        } catch {
            // The lock was not had in time (or the server went away): end what BEGIN opened.
            try? execute("ROLLBACK")
            throw error
        }
        depth = 1
        defer { depth = 0 }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs one statement; parameters are sent as text, blobs in binary.
    private func run(_ sql: String, _ parameters: [SQLiteValue], simple: Bool = false) throws(LedgerError) -> (rows: [SQLiteRow], changes: Int) {
        // One stable C buffer per parameter for the duration of the call: text (format 0) as a C
        // string, a blob (format 1) as its bytes with its length, NULL as no buffer.
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var formats: [Int32] = []
        var lengths: [Int32] = []
        defer { for buffer in buffers { free(buffer) } }
        for value in parameters {
            let text: String?
            switch value {
            case .integer(let v): text = String(v)
            case .real(let v): text = "\(v)"
            case .text(let v): text = v
            case .null: text = nil
            case .blob(let blob):
                let buffer = malloc(max(blob.count, 1))!.assumingMemoryBound(to: CChar.self)
                blob.withUnsafeBytes { raw in if let base = raw.baseAddress { memcpy(buffer, base, blob.count) } }
                buffers.append(buffer)
                formats.append(1)
                lengths.append(Int32(blob.count))
                continue
            }
            buffers.append(text.map { strdup($0) })
            formats.append(0)
            lengths.append(0)
        }
        let values = buffers.map { UnsafePointer<CChar>($0) }
        let result = simple ? library.exec(handle, sql) : values.withUnsafeBufferPointer { valuePointer in
            lengths.withUnsafeBufferPointer { lengthPointer in
                formats.withUnsafeBufferPointer { formatPointer in
                    library.execParams(
                        handle, sql, Int32(parameters.count), nil, valuePointer.baseAddress, lengthPointer.baseAddress,
                        formatPointer.baseAddress, 0)
                }
            }
        }
        guard let result else { throw lost(operation: sql) }
        defer { library.clear(result) }
        let status = library.resultStatus(result)
        switch status {
        case PGRES_COMMAND_OK:
            return ([], library.cmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0)
        case PGRES_TUPLES_OK:
            return (rows(of: result), library.cmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0)
        default:
            if library.status(handle) != CONNECTION_OK { throw lost(operation: sql) }
            let state = library.resultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = library.resultErrorMessage(result).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "error"
            // The server ending the session (class 57P: shut down, crashed, not accepting
            // connections) or a connection exception (class 08) is a lost connection even when the
            // error arrives before libpq has marked the connection bad.
            if let state, state.hasPrefix("57P") || state.hasPrefix("08") { throw .connectionLost(message: message, operation: Self.shortened(sql)) }
            // Serialization failures and lock timeouts: nothing was written; retrying is safe.
            if state == "40001" || state == "40P01" || state == "55P03" { throw .busy(message: message, operation: Self.shortened(sql)) }
            throw .postgres(state: state, message: message, operation: Self.shortened(sql))
        }
    }

    private func lost(operation: String) -> LedgerError {
        let message = library.errorMessage(handle).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "no answer"
        return .connectionLost(message: message.isEmpty ? "no answer" : message, operation: Self.shortened(operation))
    }

    static func shortened(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > 120 ? String(flat.prefix(117)) + "…" : flat
    }

    private func rows(of result: OpaquePointer) -> [SQLiteRow] {
        let count = Int(library.ntuples(result))
        let fields = Int(library.nfields(result))
        let columns = (0..<fields).map { library.fname(result, Int32($0)).map { String(cString: $0) } ?? "" }
        let types = (0..<fields).map { library.ftype(result, Int32($0)) }
        var rows: [SQLiteRow] = []
        rows.reserveCapacity(count)
        for row in 0..<count {
            var values: [SQLiteValue] = []
            values.reserveCapacity(fields)
            for field in 0..<fields {
                if library.getisnull(result, Int32(row), Int32(field)) != 0 {
                    values.append(.null)
                    continue
                }
                let text = library.getvalue(result, Int32(row), Int32(field))!
                switch types[field] {
                case 20, 21, 23:  // int8, int2, int4
                    values.append(.integer(Int64(String(cString: text)) ?? 0))
                case 700, 701:  // float4, float8
                    values.append(.real(Double(String(cString: text)) ?? .nan))
                case 16:  // bool
                    values.append(.integer(text.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0))
                case 17:  // bytea, hex text
                    var length = 0
                    if let bytes = text.withMemoryRebound(to: UInt8.self, capacity: 1, { library.unescapeBytea($0, &length) }) {
                        values.append(.blob(Data(bytes: bytes, count: length)))
                        library.freemem(bytes)
                    } else {
                        values.append(.blob(Data()))
                    }
                default:
                    values.append(.text(String(cString: text)))
                }
            }
            rows.append(SQLiteRow(columns: columns, values: values))
        }
        return rows
    }
}
