/// A plain-HTTP server address such as `http://127.0.0.1:8265` or `http://ray-head:8265/dash`:
/// a host (a name, an IPv4 address or a bracketed IPv6 address), a port (80 when not given) and an
/// optional path prefix that every request path is appended to.
///
/// Only `http://` is accepted: no TLS, no user names or passwords, no query or fragment. The client
/// that uses it connects to this host and port only.
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host name or IP address (an IPv6 address without its brackets).
    public var host: String
    /// The TCP port.
    public var port: UInt16
    /// The path prefix without a trailing `/` (empty for none), e.g. `/dash`.
    public var basePath: String

    /// Why a text is not an `http://` address.
    public struct Invalid: Error, CustomStringConvertible, Sendable, Equatable {
        public var text: String
        public var reason: String
        public var description: String { "`\(text)` is not a usable address: \(reason)" }
    }

    public init(host: String, port: UInt16, basePath: String = "") {
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `http://host[:port][/path]`.
    public init(parsing text: String) throws(Invalid) {
        func invalid(_ reason: String) -> Invalid { Invalid(text: text, reason: reason) }
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            throw invalid("write it as http://host:port")
        }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" else {
            throw invalid(scheme == "https"
                ? "https is not supported (the client speaks plain HTTP/1.1); use http:// on a trusted network or through a tunnel"
                : "only http:// addresses are supported, not \(scheme)://")
        }
        let rest = text[text.index(colon, offsetBy: 3)...]
        if rest.contains("?") || rest.contains("#") { throw invalid("a query or fragment is not allowed") }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { throw invalid("a user name or password is not allowed") }
        var hostPart = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("an IPv6 address needs its closing `]`") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
            guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("`\(hostPart)` is not an IPv6 address")
            }
        } else {
            if let portColon = authority.firstIndex(of: ":") {
                hostPart = authority[..<portColon]
                portText = authority[authority.index(after: portColon)...]
            }
            guard !hostPart.isEmpty else { throw invalid("the host is missing") }
            guard hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw invalid("the host `\(hostPart)` may hold only letters, digits, `-` and `.`")
            }
        }
        var port: UInt16 = 80
        if let portText {
            guard let number = UInt16(portText), number > 0 else { throw invalid("the port `\(portText)` is not a number from 1 to 65535") }
            port = number
        }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        guard path.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/-._~".contains($0)) }) else {
            throw invalid("the path `\(path)` may hold only letters, digits and `/-._~`")
        }
        self.init(host: String(hostPart), port: port, basePath: path)
    }

    /// The `Host` header value (`host:port`, IPv6 in brackets).
    public var hostHeader: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// `http://host:port/path`.
    public var description: String { "http://" + hostHeader + basePath }
}
