import EaseMLCore
import Foundation

/// The four endpoints of Ray's Jobs REST API (the dashboard, Ray 2.x) that `RayJobExecutor` uses,
/// plus the version probe:
///
/// | call | request | answer |
/// |---|---|---|
/// | `submit` | `POST /api/jobs/` `{"entrypoint", "submission_id", "runtime_env": {"env_vars"}, …}` | 200 `{"submission_id"}`; a taken id is an error (HTTP 500 from the head, 400 from an agent) |
/// | `job` | `GET /api/jobs/<id>` | 200 `{"status": "PENDING" \| "RUNNING" \| "STOPPED" \| "SUCCEEDED" \| "FAILED", …}`; 404 unknown |
/// | `logs` | `GET /api/jobs/<id>/logs` | 200 `{"logs": "<text>"}` |
/// | `stop` | `POST /api/jobs/<id>/stop` | 200 `{"stopped": bool}` |
/// | `version` | `GET /api/version` | 200 `{"ray_version", …}` |
///
/// Addresses in answers (such as `driver_agent_http_address`) are ignored: every request goes to
/// the configured address only. Submission ids are restricted to letters, digits, `-` and `_`, so
/// they need no escaping in paths.
public struct RayJobsClient: Sendable {
    /// A job's state as Ray reports it.
    public enum Status: String, Sendable, Equatable {
        case pending = "PENDING"
        case running = "RUNNING"
        case stopped = "STOPPED"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"

        /// Whether the job has ended (it will not change state again).
        public var isTerminal: Bool { self == .stopped || self == .succeeded || self == .failed }
    }

    /// What `GET /api/jobs/<id>` tells about a job.
    public struct JobInfo: Sendable, Equatable {
        public var status: Status
        /// Ray's explanation of the state, if any.
        public var message: String?
        /// The entrypoint's exit status once it has ended, if Ray knows it.
        public var exitCode: Int?
        /// When the job was submitted and ended, in milliseconds since 1970, if known.
        public var startMilliseconds: Double?
        public var endMilliseconds: Double?
    }

    /// One job to submit.
    public struct Submission: Sendable, Equatable {
        /// The shell command the cluster runs.
        public var entrypoint: String
        /// The job's id, chosen by us (letters, digits, `-`, `_`).
        public var id: String
        /// Environment variables of the job (`runtime_env.env_vars`).
        public var environment: [String: String]
        /// CPUs reserved for the entrypoint (`entrypoint_num_cpus`), or nil.
        public var numCPUs: Double?
        /// Memory reserved for the entrypoint in bytes (`entrypoint_memory`), or nil.
        public var memoryBytes: Int?

        public init(entrypoint: String, id: String, environment: [String: String] = [:], numCPUs: Double? = nil, memoryBytes: Int? = nil) {
            self.entrypoint = entrypoint
            self.id = id
            self.environment = environment
            self.numCPUs = numCPUs
            self.memoryBytes = memoryBytes
        }
    }

    public var http: HTTPClient

    public init(http: HTTPClient) {
        self.http = http
    }

    /// Whether `id` is usable as a submission id here (non-empty; letters, digits, `-`, `_`).
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// The cluster's Ray version (`GET /api/version`); fails when the address is not a Ray dashboard.
    public func version() throws(HTTPClientError) -> String {
        let object = try jsonObject(try expect(.get, "/api/version", accepting: [200]), "/api/version")
        guard let version = object["ray_version"] as? String else {
            throw .unexpectedBody(url: http.url("/api/version"), reason: "no `ray_version`; is this a Ray dashboard?")
        }
        return version
    }

    /// Submits a job. Throws on any answer but 200, a taken id included.
    public func submit(_ submission: Submission) throws(HTTPClientError) {
        let path = "/api/jobs/"
        var body: [String: Any] = ["entrypoint": submission.entrypoint, "submission_id": try checked(submission.id)]
        if !submission.environment.isEmpty { body["runtime_env"] = ["env_vars": submission.environment] }
        if let cpus = submission.numCPUs { body["entrypoint_num_cpus"] = cpus }
        if let memory = submission.memoryBytes { body["entrypoint_memory"] = memory }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw .unexpectedBody(url: http.url(path), reason: "cannot encode the request: \(error)")
        }
        let object = try jsonObject(try expect(.post, path, json: data, accepting: [200]), path)
        guard object["submission_id"] as? String == submission.id else {
            throw .unexpectedBody(url: http.url(path), reason: "the answer does not name the submission id \(submission.id)")
        }
    }

    /// The job's state, or nil when the cluster does not know the id (404).
    public func job(_ id: String) throws(HTTPClientError) -> JobInfo? {
        let path = "/api/jobs/" + (try checked(id))
        let response = try expect(.get, path, accepting: [200, 404])
        if response.status == 404 { return nil }
        let object = try jsonObject(response, path)
        guard let text = object["status"] as? String, let status = Status(rawValue: text) else {
            throw .unexpectedBody(url: http.url(path), reason: "no known `status` (PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED)")
        }
        return JobInfo(
            status: status, message: object["message"] as? String, exitCode: (object["driver_exit_code"] as? NSNumber)?.intValue,
            startMilliseconds: (object["start_time"] as? NSNumber)?.doubleValue, endMilliseconds: (object["end_time"] as? NSNumber)?.doubleValue)
    }

    /// The job's whole output so far.
    public func logs(_ id: String) throws(HTTPClientError) -> String {
        let path = "/api/jobs/" + (try checked(id)) + "/logs"
        guard let logs = try jsonObject(try expect(.get, path, accepting: [200]), path)["logs"] as? String else {
            throw .unexpectedBody(url: http.url(path), reason: "no `logs` text")
        }
        return logs
    }

    /// Asks the cluster to stop the job; returns whether it was still running.
    @discardableResult
    public func stop(_ id: String) throws(HTTPClientError) -> Bool {
        let path = "/api/jobs/" + (try checked(id)) + "/stop"
        return try jsonObject(try expect(.post, path, accepting: [200]), path)["stopped"] as? Bool ?? false
    }

    // MARK: Helpers

    private func checked(_ id: String) throws(HTTPClientError) -> String {
        guard Self.isValidID(id) else {
            throw .unexpectedBody(url: http.url("/api/jobs/"), reason: "`\(id)` is not a usable submission id (letters, digits, `-`, `_`)")
        }
        return id
    }

    private func expect(_ method: HTTPClient.Method, _ path: String, json: Data? = nil, accepting statuses: Set<Int>) throws(HTTPClientError) -> HTTPResponse {
        let response = try http.send(method, path, json: json)
        guard statuses.contains(response.status) else {
            throw .unexpectedStatus(method: method.rawValue, url: http.url(path), status: response.status, body: response.text)
        }
        return response
    }

    private func jsonObject(_ response: HTTPResponse, _ path: String) throws(HTTPClientError) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw .unexpectedBody(url: http.url(path), reason: "not a JSON object: \(HTTPClientError.excerpt(response.text))")
        }
        return object
    }
}
