import EaseMLCI
import EaseMLCore
import EaseMLTestSupport
import Foundation
import Synchronization
import Testing

/// `HTTPClient` against `TestHTTPServer` on 127.0.0.1: what it sends, which answers it retries,
/// chunked bodies, and the typed errors of malformed, oversized and redirecting answers.
@Suite struct HTTPClientTests {
    static func client(_ server: TestHTTPServer, attempts: Int = 3, maxResponseBytes: Int = 1 << 20) -> HTTPClient {
        HTTPClient(address: HTTPAddress(host: "127.0.0.1", port: server.port, basePath: "/prefix"), timeoutSeconds: 5, attempts: attempts,
            firstBackoffSeconds: 0.01, maxResponseBytes: maxResponseBytes)
    }

    @Test func aRequestCarriesItsBodyToTheBasePathAndAnAnswerComesBackWhole() throws {
        let body = Data((0..<5000).map { _ in UInt8.random(in: 32..<127) })
        let server = try TestHTTPServer { request in
            request.method == "POST" ? .chunked(status: 201, body: request.body, pieces: 7) : .text("missing", status: 404)
        }
        defer { server.stop() }
        let echoed = try Self.client(server).send(.post, "/api/things", json: body)
        #expect(echoed.status == 201)
        #expect(echoed.body == body)
        let request = try #require(server.requests.first)
        #expect(request.path == "/prefix/api/things")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["host"] == "127.0.0.1:\(server.port)")
        // A 4xx is an answer, returned at once.
        let missing = try Self.client(server).send(.get, "/nothing")
        #expect(missing.status == 404 && missing.text == "missing")
        #expect(server.requests.count == 2)
    }

    @Test func onlyConnectionFailuresAnd5xxAreRetried() throws {
        let count = Counter()
        let server = try TestHTTPServer { _ in
            switch count.next() {
            case 1: return .drop
            case 2: return .text("busy", status: 503)
            default: return .response(status: 302, headers: ["Location": "http://127.0.0.2:1/elsewhere"], body: Data())
            }
        }
        defer { server.stop() }
        let answer = try Self.client(server).send(.get, "/x")
        #expect(answer.status == 302)
        #expect(answer.headers["location"] == "http://127.0.0.2:1/elsewhere")
        #expect(server.requests.count == 3)
    }

    @Test func malformedAndOversizedAnswersAreTypedErrors() throws {
        let server = try TestHTTPServer { request in
            request.path.hasSuffix("/garbage") ? .raw(Data("SSH-2.0-OpenSSH\r\n\r\n".utf8)) : .text(String(repeating: "x", count: 5000), status: 200)
        }
        defer { server.stop() }
        do {
            _ = try Self.client(server).send(.get, "/garbage")
            Issue.record("garbage was accepted")
        } catch {
            guard case .malformedResponse(_, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(reason.contains("SSH-2.0-OpenSSH"))
        }
        do {
            _ = try Self.client(server, maxResponseBytes: 1000).send(.get, "/big")
            Issue.record("an oversized answer was accepted")
        } catch {
            guard case .responseTooLarge(_, 1000) = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(server.requests.count == 2)
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
