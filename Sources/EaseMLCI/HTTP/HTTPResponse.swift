import Foundation

/// One HTTP/1.x response: its status, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Why bytes are not (yet) a whole response.
    enum ParseFailure: Error, Equatable {
        /// The bytes end before the response does (the connection broke).
        case truncated
        /// The bytes are not an HTTP/1.x response.
        case malformed(String)
    }

    /// Parses a whole response read up to the end of the connection: the body is delimited by
    /// `Transfer-Encoding: chunked`, by `Content-Length`, or by the end of the bytes.
    static func parse(_ bytes: Data) throws(ParseFailure) -> HTTPResponse {
        let separator = Data("\r\n\r\n".utf8)
        guard let headEnd = bytes.range(of: separator) else { throw .truncated }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status) else {
            throw .malformed("the status line is `\(statusLine.prefix(80))`")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("the header line `\(line.prefix(80))` has no `:`") }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = bytes[headEnd.upperBound...]
        let body: Data
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(rest)
        } else if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed("Content-Length `\(lengthText)`") }
            guard rest.count >= length else { throw .truncated }
            body = Data(rest.prefix(length))
        } else {
            body = Data(rest)
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// Joins the chunks of a chunked body (extensions and trailers ignored).
    static func dechunk(_ bytes: Data) throws(ParseFailure) -> Data {
        let lineEnd = Data("\r\n".utf8)
        var body = Data()
        var position = bytes.startIndex
        while true {
            guard let end = bytes.range(of: lineEnd, in: position..<bytes.endIndex) else { throw .truncated }
            let sizeText = String(decoding: bytes[position..<end.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw .malformed("the chunk size `\(sizeText.prefix(20))`")
            }
            position = end.upperBound
            if size == 0 { return body }
            guard bytes.endIndex - position >= size + 2 else { throw .truncated }
            body.append(bytes[position..<(position + size)])
            position += size + 2
        }
    }
}
