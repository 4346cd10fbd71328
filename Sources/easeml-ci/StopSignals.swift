import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT turned into a flag a long-running command polls (`automl run`, `automl
/// serve`): the default handlers are replaced, so the process ends only when the command has
/// stopped cleanly.
final class StopSignals: @unchecked Sendable {
    /// The signals handled, with their names.
    static let handled: [(number: Int32, name: String)] = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]

    private let name: Mutex<String?>
    /// Kept so that the handlers stay installed; never changed after `init`.
    private var sources: [DispatchSourceSignal] = []

    /// The first signal received (`SIGTERM`, `SIGINT`), or nil.
    var received: String? { name.withLock { $0 } }

    private init() { name = Mutex(nil) }

    static func install() -> StopSignals {
        let stop = StopSignals()
        for (number, label) in handled {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.name.withLock { value in if value == nil { value = label } } }
            source.resume()
            stop.sources.append(source)
        }
        return stop
    }

    /// The exit code of a command stopped by the signal `name`: 128 + its number (143 for SIGTERM,
    /// 130 for SIGINT), what a shell reports for a process the signal ended.
    static func exitCode(_ name: String) -> Int32 { 128 + (handled.first { $0.name == name }?.number ?? 0) }
}
