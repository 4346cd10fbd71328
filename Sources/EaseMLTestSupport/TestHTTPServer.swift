import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server for tests, on 127.0.0.1 and a free port, with POSIX sockets: one request
/// per connection, answered by `handler` on the accepting thread. Records every request.
public final class TestHTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    public enum Reply: Sendable {
        /// A whole response with `Content-Length`.
        case response(status: Int, headers: [String: String], body: Data)
        /// A response with `Transfer-Encoding: chunked`, the body cut into `pieces` chunks.
        case chunked(status: Int, body: Data, pieces: Int)
        /// Close the connection without answering.
        case drop
        /// Send these bytes, then close.
        case raw(Data)

        public static func json(_ object: Any, status: Int = 200) -> Reply {
            .response(status: status, headers: ["Content-Type": "application/json"], body: try! JSONSerialization.data(withJSONObject: object))
        }

        public static func text(_ text: String, status: Int) -> Reply {
            .response(status: status, headers: ["Content-Type": "text/plain"], body: Data(text.utf8))
        }
    }

    public let port: UInt16
    private let listener: Int32
    private let received = Mutex<[Request]>([])
    private let connections = Mutex(0)
    private let finished = DispatchSemaphore(value: 0)

    /// Every request so far, in arrival order.
    public var requests: [Request] { received.withLock { $0 } }
    /// Connections accepted so far (also those that sent nothing).
    public var connectionCount: Int { connections.withLock { $0 } }

    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ServerError(message: "socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw ServerError(message: "bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listener = socket
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(socket, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    break
                }
                connections.withLock { $0 += 1 }
                if let request = Self.read(client) {
                    received.withLock { $0.append(request) }
                    Self.write(handler(request), to: client)
                }
                close(client)
            }
            finished.signal()
        }
    }

    /// `http://127.0.0.1:<port>`.
    public var address: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting and waits for the accepting thread to end.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        finished.wait()
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static func read(_ client: Int32) -> Request? {
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var bytes = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        while true {
            if let end = bytes.range(of: separator) {
                let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                let parts = head[0].split(separator: " ")
                guard parts.count == 3 else { return nil }
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                if bytes.count - end.upperBound >= length {
                    return Request(
                        method: String(parts[0]), path: String(parts[1]), headers: headers,
                        body: Data(bytes[end.upperBound..<(end.upperBound + length)]))
                }
            }
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    private static func write(_ reply: Reply, to client: Int32) {
        var bytes = Data()
        switch reply {
        case .drop: return
        case .raw(let data): bytes = data
        case .response(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(reason(status))\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
            bytes = Data((head + "\r\n").utf8) + body
        case .chunked(let status, let body, let pieces):
            bytes = Data("HTTP/1.1 \(status) \(reason(status))\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
            let size = max(1, (body.count + pieces - 1) / max(1, pieces))
            var start = body.startIndex
            while start < body.endIndex {
                let end = min(start + size, body.endIndex)
                bytes += Data((String(end - start, radix: 16) + ";ext=1\r\n").utf8) + body[start..<end] + Data("\r\n".utf8)
                start = end
            }
            bytes += Data("0\r\n\r\n".utf8)
        }
        bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let count = send(client, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return }
                sent += count
            }
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 307: return "Temporary Redirect"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
