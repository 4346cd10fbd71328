import EaseMLCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One request and its response over a fresh TCP connection to one address (POSIX sockets; the
/// request carries `Connection: close`, so the response ends where the connection does).
struct HTTPConnection {
    let address: HTTPAddress
    /// The limit of the connect and of each send and receive, in seconds.
    let timeoutSeconds: Double
    /// The most bytes of response read.
    let maxResponseBytes: Int

    enum Failure: Error, Equatable {
        /// The host does not resolve.
        case unresolvable(String)
        /// No connection could be made, or sending failed.
        case transport(String)
    }

    /// What was received, and why the reading stopped early (nil: the server closed the connection).
    struct Received {
        var bytes: Data
        var interruption: String?
        var exceededLimit: Bool
    }

    /// Connects, sends `request` whole, and reads until the server closes the connection.
    func exchange(_ request: Data) throws(Failure) -> Received {
        let socket = try connect()
        defer { close(socket) }
        var sent = 0
        let sendFailure: String? = request.withUnsafeBytes { raw -> String? in
            while sent < raw.count {
                let count = send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 {
                    if errno == EINTR { continue }
                    return Self.errorText(errno)
                }
                sent += count
            }
            return nil
        }
        if let sendFailure { throw .transport("sending failed: \(sendFailure)") }
        var received = Received(bytes: Data(), interruption: nil, exceededLimit: false)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                received.interruption = errno == EAGAIN || errno == EWOULDBLOCK ? "no answer within \(timeoutSeconds) s" : Self.errorText(errno)
                break
            }
            received.bytes.append(contentsOf: buffer[0..<count])
            if received.bytes.count > maxResponseBytes {
                received.exceededLimit = true
                break
            }
        }
        return received
    }

    /// A connected socket to the first of the host's addresses that accepts, with I/O timeouts set.
    private func connect() throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard resolved == 0, let first = list else { throw .unresolvable(String(cString: gai_strerror(resolved))) }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socket < 0 {
                lastError = Self.errorText(errno)
                continue
            }
            if let failure = connect(socket, to: info.pointee.ai_addr, length: info.pointee.ai_addrlen) {
                lastError = failure
                close(socket)
                continue
            }
            var limit = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - timeoutSeconds.rounded(.down)) * 1e6))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            return socket
        }
        throw .transport("cannot connect: \(lastError)")
    }

    /// Connects within the timeout (non-blocking connect, then poll); nil on success, else the reason.
    private func connect(_ socket: Int32, to address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String? {
        let flags = fcntl(socket, F_GETFL, 0)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(socket, F_SETFL, flags) }
        if Glibc.connect(socket, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return Self.errorText(errno) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&descriptor, 1, Int32(timeoutSeconds * 1000)) } while ready < 0 && errno == EINTR
        if ready == 0 { return "no connection within \(timeoutSeconds) s" }
        if ready < 0 { return Self.errorText(errno) }
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &size)
        return failure == 0 ? nil : Self.errorText(failure)
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
