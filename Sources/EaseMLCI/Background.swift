import Foundation

/// A value computed on a thread of Dispatch's global pool while the caller goes on; `value` waits
/// for it. How a check keeps the machine's second core busy: the next chunk of sealed labels is
/// opened while the predictions are parsed, and the new model's id hashed while its counts are
/// tallied.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once by the worker before `done` is signalled; read only after waiting on it.
    private var result: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = work()
            done.signal()
        }
    }

    /// The value, once the worker is done (every call after the first returns at once).
    var value: Value {
        done.wait()
        done.signal()
        return result!
    }
}
