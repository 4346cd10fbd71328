/// The typed errors of the AutoML workflows (`automl run`, `serve`, `leaderboard`): library errors
/// as `EaseMLCIError.wrapping` maps them (a ledger error as `.ledger`, a scheduler error as
/// `.automl`, an `EaseMLCIError` as it is), anything else as an invalid AutoML setting.
enum AutoMLFailure {
    /// Runs `body`, its errors mapped as above.
    static func typed<Value>(_ body: () throws -> Value) throws(EaseMLCIError) -> Value {
        do {
            return try body()
        } catch {
            throw .wrapping(error) { .automl(.invalidSetting("\($0)")) }
        }
    }
}
