import CLibPQ
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// libpq, loaded at run time (`dlopen("libpq.so.5")`) the first time a PostgreSQL ledger is opened:
/// the functions `PostgresConnection` calls, resolved by name. Not linked at build time, so every
/// other command starts without libpq and the libraries it pulls in.
struct PostgresLibrary: @unchecked Sendable {
    typealias ConnectDB = @convention(c) (UnsafePointer<CChar>?) -> OpaquePointer?
    typealias Connection = @convention(c) (OpaquePointer?) -> Void
    typealias Status = @convention(c) (OpaquePointer?) -> ConnStatusType
    typealias Message = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    typealias ExecParams = @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?,
        UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
    ) -> OpaquePointer?
    typealias Exec = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    typealias ResultStatus = @convention(c) (OpaquePointer?) -> ExecStatusType
    typealias ResultField = @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    typealias Count = @convention(c) (OpaquePointer?) -> Int32
    typealias FieldName = @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    typealias FieldType = @convention(c) (OpaquePointer?, Int32) -> Oid
    typealias Cell = @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    typealias Value = @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    typealias Unescape = @convention(c) (UnsafePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<UInt8>?
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias NoticeProcessor = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void
    typealias SetNoticeProcessor = @convention(c) (OpaquePointer?, NoticeProcessor?, UnsafeMutableRawPointer?) -> NoticeProcessor?
    typealias LibraryVersion = @convention(c) () -> Int32

    let connectdb: ConnectDB
    let finish: Connection
    let status: Status
    let errorMessage: Message
    let execParams: ExecParams
    let exec: Exec
    let resultStatus: ResultStatus
    let resultErrorMessage: Message
    let resultErrorField: ResultField
    let clear: Connection
    let cmdTuples: Message
    let ntuples: Count
    let nfields: Count
    let fname: FieldName
    let ftype: FieldType
    let getisnull: Cell
    let getlength: Cell
    let getvalue: Value
    let unescapeBytea: Unescape
    let freemem: Free
    let setNoticeProcessor: SetNoticeProcessor
    let libVersion: LibraryVersion

    /// The library, loaded once; the error says which package to install when it is missing.
    static let shared: Result<PostgresLibrary, LedgerError> = load()

    private static func load() -> Result<PostgresLibrary, LedgerError> {
        guard let handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libpq.so", RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(.postgres(state: nil, message: "libpq is not installed (\(reason)); install Debian's package libpq5", operation: "loading libpq"))
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(LedgerError) -> T {
            guard let pointer = dlsym(handle, name) else {
                throw .postgres(state: nil, message: "libpq has no \(name)", operation: "loading libpq")
            }
            return unsafeBitCast(pointer, to: type)
        }
        do throws(LedgerError) {
            return .success(PostgresLibrary(
                connectdb: try symbol("PQconnectdb", as: ConnectDB.self),
                finish: try symbol("PQfinish", as: Connection.self),
                status: try symbol("PQstatus", as: Status.self),
                errorMessage: try symbol("PQerrorMessage", as: Message.self),
                execParams: try symbol("PQexecParams", as: ExecParams.self),
                exec: try symbol("PQexec", as: Exec.self),
                resultStatus: try symbol("PQresultStatus", as: ResultStatus.self),
                resultErrorMessage: try symbol("PQresultErrorMessage", as: Message.self),
                resultErrorField: try symbol("PQresultErrorField", as: ResultField.self),
                clear: try symbol("PQclear", as: Connection.self),
                cmdTuples: try symbol("PQcmdTuples", as: Message.self),
                ntuples: try symbol("PQntuples", as: Count.self),
                nfields: try symbol("PQnfields", as: Count.self),
                fname: try symbol("PQfname", as: FieldName.self),
                ftype: try symbol("PQftype", as: FieldType.self),
                getisnull: try symbol("PQgetisnull", as: Cell.self),
                getlength: try symbol("PQgetlength", as: Cell.self),
                getvalue: try symbol("PQgetvalue", as: Value.self),
                unescapeBytea: try symbol("PQunescapeBytea", as: Unescape.self),
                freemem: try symbol("PQfreemem", as: Free.self),
                setNoticeProcessor: try symbol("PQsetNoticeProcessor", as: SetNoticeProcessor.self),
                libVersion: try symbol("PQlibVersion", as: LibraryVersion.self)))
        } catch {
            return .failure(error)
        }
    }
}
