import Foundation
import Synchronization

/// A scripted stand-in for the Jobs REST API of a Ray dashboard, on a `TestHTTPServer`:
/// `POST /api/jobs/`, `GET /api/jobs/<id>`, `GET /api/jobs/<id>/logs` (chunked, as aiohttp may
/// send it), `POST /api/jobs/<id>/stop` and `GET /api/version`, answering like Ray 2.60 (a taken
/// submission id is HTTP 500 with a traceback; unknown ids are 404). Each job follows a `Script`
/// chosen from its entrypoint; every status request moves it one step. Faults can be queued for
/// the next matching requests. Every answer about a job names a decoy address
/// (`driver_agent_http_address`) served by `decoy`, which no client may contact.
public final class FakeRayCluster: Sendable {
    /// How a job behaves: its successive states (one per status request; the last repeats), then
    /// its logs and exit code.
    public struct Script: Sendable {
        public var states: [String]
        public var logs: String
        public var exitCode: Int?
        public var message: String?

        public init(states: [String], logs: String, exitCode: Int?, message: String? = nil) {
            self.states = states
            self.logs = logs
            self.exitCode = exitCode
            self.message = message
        }

        public static func succeeds(_ logs: String, after steps: Int = 2) -> Script {
            Script(states: Array(repeating: "RUNNING", count: steps) + ["SUCCEEDED"], logs: logs, exitCode: 0)
        }
    }

    public struct Job: Sendable {
        public var id: String
        public var body: [String: String]
        public var entrypoint: String
        public var environment: [String: String]
        public var numCPUs: Double?
        public var memory: Int?
        public var script: Script
        public var step = 0
        public var stopped = false
        public var startMilliseconds: Double

        public var state: String { stopped ? "STOPPED" : script.states[min(step, script.states.count - 1)] }
    }

    public enum Endpoint: Sendable { case submit, status, logs, stop, any }

    public enum Fault: Sendable {
        /// Answer with this status and a short text.
        case status(Int)
        /// Close the connection without answering.
        case drop
        /// Send half a response, then close.
        case truncate
        /// Answer 307 with `Location: <decoy>`.
        case redirect
        /// Do the work (create the job), then close without answering.
        case dropAfterwards
    }

    private struct State {
        public var jobs: [String: Job] = [:]
        var faults: [(Endpoint, Fault)] = []
        public var submissions: [String] = []
    }

    public let decoy: TestHTTPServer
    private let state = Mutex(State())
    private let plan: @Sendable (String) -> Script
    private let server = Mutex<TestHTTPServer?>(nil)

    /// A cluster whose jobs follow `plan(entrypoint)`.
    public init(plan: @escaping @Sendable (String) -> Script) throws {
        self.plan = plan
        decoy = try TestHTTPServer { _ in .json(["never": "contact me"]) }
        let server = try TestHTTPServer { [unowned self] request in self.answer(request) }
        self.server.withLock { $0 = server }
    }

    public var http: TestHTTPServer { server.withLock { $0! } }
    public var address: String { http.address }

    public func stop() {
        http.stop()
        decoy.stop()
    }

    /// Every successful job creation's id, in order (a taken id is not counted again).
    public var submissions: [String] { state.withLock { $0.submissions } }
    public var jobs: [String: Job] { state.withLock { $0.jobs } }

    /// Queues `fault` for the next request to `endpoint` (faults are used in order).
    public func inject(_ fault: Fault, on endpoint: Endpoint, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: (endpoint, fault), count: times) }
    }

    /// Replaces the script of the jobs whose entrypoint contains `text`, from their current step.
    public func rescript(entrypointContaining text: String, _ script: Script) {
        state.withLock { state in
            for (id, job) in state.jobs where job.entrypoint.contains(text) {
                state.jobs[id]?.script = script
                state.jobs[id]?.step = 0
            }
        }
    }

    /// Requests that reached the API (not the decoy), as `METHOD path`.
    public var requestLines: [String] { http.requests.map { "\($0.method) \($0.path)" } }

    private func answer(_ request: TestHTTPServer.Request) -> TestHTTPServer.Reply {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let endpoint: Endpoint
        switch (request.method, parts.count, parts.last) {
        case ("POST", 2, _): endpoint = .submit
        case ("GET", 3, _): endpoint = .status
        case ("GET", 4, "logs"): endpoint = .logs
        case ("POST", 4, "stop"): endpoint = .stop
        default: endpoint = .any
        }
        let fault: Fault? = state.withLock { state in
            guard let index = state.faults.firstIndex(where: { $0.0 == endpoint || $0.0 == .any }) else { return nil }
            return state.faults.remove(at: index).1
        }
        switch fault {
        case .status(let code)?: return .text("Service Unavailable: try again", status: code)
        case .drop?: return .drop
        case .truncate?: return .raw(Data("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\": ".utf8))
        case .redirect?: return .response(status: 307, headers: ["Location": decoy.address + request.path], body: Data())
        case .dropAfterwards?, nil: break
        }
        let reply = work(request, endpoint: endpoint, parts: parts)
        if case .dropAfterwards? = fault { return .drop }
        return reply
    }

    private func work(_ request: TestHTTPServer.Request, endpoint: Endpoint, parts: [String]) -> TestHTTPServer.Reply {
        if request.path == "/api/version" { return .json(["version": "4", "ray_version": "2.60.0", "ray_commit": "fake", "session_name": "fake"]) }
        guard parts.count >= 2, parts[0] == "api", parts[1] == "jobs" else { return .text("Not Found", status: 404) }
        switch endpoint {
        case .submit:
            guard let json = request.json, let entrypoint = json["entrypoint"] as? String, let id = json["submission_id"] as? String else {
                return .text("bad request", status: 400)
            }
            let environment = (json["runtime_env"] as? [String: Any])?["env_vars"] as? [String: String] ?? [:]
            let script = plan(entrypoint)
            let created: Bool = state.withLock { state in
                guard state.jobs[id] == nil else { return false }
                state.jobs[id] = Job(
                    id: id, body: json.mapValues { "\($0)" }, entrypoint: entrypoint, environment: environment,
                    numCPUs: (json["entrypoint_num_cpus"] as? NSNumber)?.doubleValue, memory: (json["entrypoint_memory"] as? NSNumber)?.intValue,
                    script: script, startMilliseconds: Date().timeIntervalSince1970 * 1000 - 2000)
                state.submissions.append(id)
                return true
            }
            guard created else {
                return .text(
                    "Traceback (most recent call last):\nRuntimeError: Request failed with status code 400: ValueError: Job with submission_id \(id) already exists. Please use a different submission_id.",
                    status: 500)
            }
            return .json(["job_id": NSNull(), "submission_id": id])
        case .status:
            let info: [String: Any]? = state.withLock { state in
                guard var job = state.jobs[parts[2]] else { return nil }
                let current = job.state
                if !job.stopped { job.step += 1 }
                state.jobs[job.id] = job
                var object: [String: Any] = [
                    "type": "SUBMISSION", "submission_id": job.id, "status": current, "entrypoint": job.entrypoint,
                    "start_time": job.startMilliseconds, "driver_agent_http_address": decoy.address, "driver_node_id": "fake-node",
                ]
                if ["SUCCEEDED", "FAILED", "STOPPED"].contains(current) {
                    object["end_time"] = job.startMilliseconds + 1500
                    if let code = job.script.exitCode, !job.stopped { object["driver_exit_code"] = code }
                }
                if let message = job.script.message { object["message"] = message }
                return object
            }
            return info.map { .json($0) } ?? .text("Job \(parts[2]) does not exist", status: 404)
        case .logs:
            guard let logs = state.withLock({ $0.jobs[parts[2]]?.script.logs }) else { return .text("Job \(parts[2]) does not exist", status: 404) }
            return .chunked(status: 200, body: try! JSONSerialization.data(withJSONObject: ["logs": logs]), pieces: 3)
        case .stop:
            let stopped: Bool? = state.withLock { state in
                guard let job = state.jobs[parts[2]] else { return nil }
                let running = !["SUCCEEDED", "FAILED", "STOPPED"].contains(job.state)
                state.jobs[job.id]?.stopped = running || job.stopped
                return running
            }
            return stopped.map { .json(["stopped": $0]) } ?? .text("Job \(parts[2]) does not exist", status: 404)
        case .any:
            return .text("Not Found", status: 404)
        }
    }
}
