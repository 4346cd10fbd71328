import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster for one test: `initdb` into a temporary folder, `pg_ctl start`
/// on a free port of 127.0.0.1 only (its socket in the folder too), trust authentication, stopped
/// and removed by `stop()`. The server comes from Debian's `postgresql` package, which `install.sh`
/// installs; as root, the server runs as the package's `postgres` user (initdb refuses root).
public final class PostgresCluster: @unchecked Sendable {
    public let folder: URL
    public private(set) var port: Int
    let binaries: URL
    let runAs: [String]
    /// Whether the server speaks TLS (a self-signed certificate for 127.0.0.1 made by `openssl`).
    public let tls: Bool

    /// The superuser the cluster was made with.
    public static let superuser = "easeml_admin"

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// A URL of `database` as `user` (the superuser by default).
    public func url(database: String = "postgres", user: String = PostgresCluster.superuser) -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)"
    }

    public static func start(tls: Bool = false) throws -> PostgresCluster {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw Unavailable(description: "no PostgreSQL server in /usr/lib/postgresql: run ./install.sh (it installs Debian's postgresql)")
        }
        let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
        let folder = try TemporaryDirectory.make(prefix: "easeml-ci-postgres")
        var runAs: [String] = []
        var owner: (uid_t, gid_t)?
        if getuid() == 0 {
            guard let user = getpwnam("postgres") else { throw Unavailable(description: "running as root and no `postgres` user to run the server as") }
            owner = (user.pointee.pw_uid, user.pointee.pw_gid)
            chown(folder.path, user.pointee.pw_uid, user.pointee.pw_gid)
            runAs = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        }
        if tls {
            let made = try CommandLineRunner.runProgram(URL(fileURLWithPath: "/usr/bin/openssl"), [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.crt", "-days", "1", "-subj", "/CN=127.0.0.1",
            ], in: folder)
            guard made.status == 0 else { throw Unavailable(description: "openssl could not make a certificate: \(made.stderr)") }
            for file in ["server.key", "server.crt"] {
                let path = folder.appendingPathComponent(file).path
                chmod(path, 0o600)
                if let owner { chown(path, owner.0, owner.1) }
            }
        }
        let cluster = PostgresCluster(folder: folder, port: 0, binaries: binaries, runAs: runAs, tls: tls)
        let data = folder.appendingPathComponent("data").path
        let made = try cluster.program("initdb", ["-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"])
        guard made.status == 0 else { throw Unavailable(description: "initdb failed: \(made.stderr)") }
        try cluster.startServer()
        return cluster
    }

    private init(folder: URL, port: Int, binaries: URL, runAs: [String], tls: Bool) {
        self.folder = folder
        self.port = port
        self.binaries = binaries
        self.runAs = runAs
        self.tls = tls
    }

    /// Starts (or restarts) the server on a free port.
    public func startServer() throws {
        var last = ""
        for _ in 0..<5 {
            port = Self.freePort()
            var options = "-p \(port) -c listen_addresses=127.0.0.1 -k \(folder.path) -c fsync=off -c max_connections=200"
            if tls {
                options += " -c ssl=on -c ssl_cert_file=\(folder.path)/server.crt -c ssl_key_file=\(folder.path)/server.key"
            }
            let started = try program("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o", options, "start"])
            if started.status == 0 { return }
            last = started.stderr + ((try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? "")
        }
        throw Unavailable(description: "pg_ctl start failed: \(last)")
    }

    /// Stops the server at once (`-m immediate`: what a crash looks like to its clients).
    public func kill() {
        _ = try? program("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
    }

    /// Begins a smart shutdown and returns at once: the server waits for its open sessions to end
    /// and refuses new ones ("the database system is shutting down") meanwhile.
    public func beginShutdown() {
        _ = try? program("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "smart", "-W", "stop"])
    }

    /// Stops the server and removes the folder.
    public func stop() {
        _ = try? program("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `psql` on `database` as `user` with `sql` (ON_ERROR_STOP), returning its result.
    public func psql(_ sql: String, database: String = "postgres", user: String = PostgresCluster.superuser, variables: [String: String] = [:]) throws -> CommandLineRunner.Result {
        var arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-v", "\(name)=\(value)"] }
        return try CommandLineRunner.runProgram(binaries.appendingPathComponent("psql"), arguments + ["-c", sql], in: folder)
    }

    /// Runs `psql -f file`.
    public func psqlFile(_ file: String, database: String = "postgres", user: String = PostgresCluster.superuser, variables: [String: String] = [:]) throws -> CommandLineRunner.Result {
        var arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-v", "\(name)=\(value)"] }
        return try CommandLineRunner.runProgram(binaries.appendingPathComponent("psql"), arguments + ["-f", file], in: folder)
    }

    /// A new, empty database; returns its URL as the superuser.
    public func createDatabase(_ name: String) throws -> String {
        let made = try psql("CREATE DATABASE \(name)")
        guard made.status == 0 else { throw Unavailable(description: "CREATE DATABASE \(name): \(made.stderr)") }
        return url(database: name)
    }

    /// Runs a server program with `posix_spawn` and `waitpid`, its output in files, every other
    /// descriptor closed before it starts: the server `pg_ctl start` leaves running would otherwise
    /// inherit them, and Foundation's `Process` (this one's or a concurrent test's) waits for the
    /// end of a socket its child holds, which the server would hold forever.
    private func program(_ name: String, _ arguments: [String]) throws -> CommandLineRunner.Result {
        let tool = binaries.appendingPathComponent(name).path
        let out = folder.appendingPathComponent("\(name).out").path
        let err = folder.appendingPathComponent("\(name).err").path
        let script = #"cd "$1" && shift && for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null; done; exec "$@""#
        let argv = ["/bin/bash", "-c", script, "bash", folder.path] + runAs + [tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Unavailable(description: "cannot start \(name): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return CommandLineRunner.Result(
            status: code, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// A port no one listens on now (the kernel's pick for port 0).
    static func freePort() -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
