import EaseMLCore
import Foundation

/// A small HTTP/1.1 client for one server, over POSIX sockets (no libcurl, no Python).
///
/// Guarantees: it connects only to `address` (its host and port); it never follows a redirect, a
/// `Location` header or any address found in a response (a 3xx is handed back like any other
/// status); each request goes over a fresh connection with `Connection: close`. A connection that
/// cannot be made or breaks before a whole response arrived, and a 5xx answer, are retried up to
/// `attempts` times in all, waiting `firstBackoffSeconds`, then twice as long each time (at most
/// `maxBackoffSeconds`). Anything else is returned on the first answer.
public struct HTTPClient: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var address: HTTPAddress
    /// The limit of the connect and of each send and receive, in seconds.
    public var timeoutSeconds: Double
    /// Tries per request, the first included (≥ 1).
    public var attempts: Int
    /// The wait before the first retry, in seconds.
    public var firstBackoffSeconds: Double
    /// The longest wait between two tries, in seconds.
    public var maxBackoffSeconds: Double
    /// The most bytes of a response (headers and body) accepted.
    public var maxResponseBytes: Int

    public init(
        address: HTTPAddress, timeoutSeconds: Double = 10, attempts: Int = 5, firstBackoffSeconds: Double = 0.2, maxBackoffSeconds: Double = 5,
        maxResponseBytes: Int = 64 << 20
    ) {
        self.address = address
        self.timeoutSeconds = timeoutSeconds
        self.attempts = max(1, attempts)
        self.firstBackoffSeconds = firstBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.maxResponseBytes = maxResponseBytes
    }

    /// The full URL of `path` (for messages).
    public func url(_ path: String) -> String { address.description + path }

    /// Sends `method path` (the path is appended to the address' base path) with an optional JSON
    /// body and returns the first answer that is not a 5xx, retrying as described above.
    public func send(_ method: Method, _ path: String, json body: Data? = nil) throws(HTTPClientError) -> HTTPResponse {
        let request = requestBytes(method, path, body: body)
        let connection = HTTPConnection(address: address, timeoutSeconds: timeoutSeconds, maxResponseBytes: maxResponseBytes)
        var backoff = firstBackoffSeconds
        var lastFailure: HTTPClientError?
        for attempt in 1...attempts {
            if attempt > 1 {
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, maxBackoffSeconds)
            }
            let received: HTTPConnection.Received
            do {
                received = try connection.exchange(request)
            } catch {
                switch error {
                case .unresolvable(let reason): throw .unresolvable(address: address, reason: reason)
                case .transport(let reason):
                    lastFailure = .unreachable(address: address, attempts: attempt, reason: reason)
                    continue
                }
            }
            if received.exceededLimit { throw .responseTooLarge(address: address, limit: maxResponseBytes) }
            let response: HTTPResponse
            do {
                response = try HTTPResponse.parse(received.bytes)
            } catch {
                switch error {
                case .truncated:
                    let reason = received.interruption ?? (received.bytes.isEmpty ? "the connection closed without an answer" : "the connection closed in the middle of the answer")
                    lastFailure = .unreachable(address: address, attempts: attempt, reason: reason)
                    continue
                case .malformed(let reason): throw .malformedResponse(address: address, reason: reason)
                }
            }
            if response.status >= 500 {
                lastFailure = .serverError(address: address, attempts: attempt, status: response.status, body: response.text)
                continue
            }
            return response
        }
        throw lastFailure ?? .unreachable(address: address, attempts: attempts, reason: "no attempt was made")
    }

    /// The request's bytes: request line, headers, body.
    func requestBytes(_ method: Method, _ path: String, body: Data?) -> Data {
        var head = "\(method.rawValue) \(address.basePath)\(path) HTTP/1.1\r\n"
        head += "Host: \(address.hostHeader)\r\nUser-Agent: easeml-ci\r\nAccept: application/json\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        } else if method == .post {
            head += "Content-Length: 0\r\n"
        }
        var bytes = Data((head + "\r\n").utf8)
        if let body { bytes.append(body) }
        return bytes
    }
}
