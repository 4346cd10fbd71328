import EaseMLCore

/// Why an HTTP exchange with a configured server failed.
public enum HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The host name does not resolve.
    case unresolvable(address: HTTPAddress, reason: String)
    /// No connection, or it broke before a whole response arrived, on every attempt.
    case unreachable(address: HTTPAddress, attempts: Int, reason: String)
    /// The server kept answering with a 5xx status on every attempt.
    case serverError(address: HTTPAddress, attempts: Int, status: Int, body: String)
    /// A status the caller does not accept (a redirect included: redirects are never followed).
    case unexpectedStatus(method: String, url: String, status: Int, body: String)
    /// The response is not HTTP/1.x or is cut or malformed.
    case malformedResponse(address: HTTPAddress, reason: String)
    /// The response body is longer than the client accepts.
    case responseTooLarge(address: HTTPAddress, limit: Int)
    /// A response body that is not the JSON the caller expects.
    case unexpectedBody(url: String, reason: String)

    public var description: String {
        switch self {
        case .unresolvable(let address, let reason): return "cannot resolve \(address): \(reason)"
        case .unreachable(let address, let attempts, let reason):
            return "cannot reach \(address) (\(attempts) attempt\(attempts == 1 ? "" : "s")): \(reason)"
        case .serverError(let address, let attempts, let status, let body):
            return "\(address) answered HTTP \(status) to \(attempts) attempt\(attempts == 1 ? "" : "s"): \(Self.excerpt(body))"
        case .unexpectedStatus(let method, let url, let status, let body):
            let redirect = (300..<400).contains(status) ? " (redirects are not followed)" : ""
            return "\(method) \(url) answered HTTP \(status)\(redirect): \(Self.excerpt(body))"
        case .malformedResponse(let address, let reason): return "\(address) sent a malformed HTTP response: \(reason)"
        case .responseTooLarge(let address, let limit): return "\(address) sent a response larger than \(limit) bytes"
        case .unexpectedBody(let url, let reason): return "\(url): unexpected response: \(reason)"
        }
    }

    /// The body's last line of text, at most 300 characters (server tracebacks end with the cause).
    static func excerpt(_ body: String) -> String {
        let line = body.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        return line.count > 300 ? String(line.prefix(300)) + "…" : (line.isEmpty ? "(empty body)" : line)
    }
}
