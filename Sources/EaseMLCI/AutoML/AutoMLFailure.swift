import EaseMLEngines
import EaseMLLedger

/// The typed errors of the AutoML workflows (`automl run`, `serve`, `leaderboard`): a ledger
/// error as `.ledger`, a scheduler error as `.automl`, an `EaseMLCIError` as it is, anything else
/// as an invalid AutoML setting.
enum AutoMLFailure {
    /// Runs `body`, its errors mapped as above.
    static func typed<Value>(_ body: () throws -> Value) throws(EaseMLCIError) -> Value {
        do {
            return try body()
        } catch let error as LedgerError {
            throw .ledger(error)
        } catch let error as AutoMLError {
            throw .automl(error)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .automl(.invalidSetting("\(error)"))
        }
    }
}
