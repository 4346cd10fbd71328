import CProcessControl
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs programs with `posix_spawn` and `waitpid` (no run loop, no polling): the one place where
/// easeml-ci starts a process, for git, the prediction script (`ScriptSandbox`) and local AutoML
/// trials. Standard input is `/dev/null`; no other descriptor of this process leaks into the child.
struct Subprocess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the child was killed at `Options.timeoutSeconds`.
        var timedOut = false
    }

    /// How the child is set apart from this process.
    struct Options {
        enum Grouping {
            /// The child stays in this process's group (git).
            case none
            /// A process group of its own (`setpgid(0, 0)`), killed as a whole at the timeout.
            case processGroup
            /// A session of its own (`setsid`): its own group and no controlling terminal.
            case session
        }

        var grouping = Grouping.none
        /// Signals whose default handlers the child gets back (an ignored signal stays ignored
        /// across exec: `automl run` ignores SIGTERM and SIGINT while it polls for them).
        var defaultSignals: [Int32] = []
        /// Still running after this many seconds, the child's group is killed.
        var timeoutSeconds: Double?
        /// When the child ends (or is killed), kill its process group and every descendant that
        /// outlived it, wherever it moved (another group, another session): this process reaps
        /// orphans meanwhile (`PR_SET_CHILD_SUBREAPER`), so none escapes to init.
        var killDescendants = false
    }

    /// How a child ended: the raw `waitpid` status.
    struct Ending {
        var status: Int32
        var timedOut: Bool

        /// The signal that killed it, if any.
        var signal: Int32? { status & 0x7F == 0 ? nil : status & 0x7F }
        var exitCode: Int32 { (status >> 8) & 0xFF }
        /// The exit status as a shell reports it (128 + signal when killed).
        var shellStatus: Int32 { signal.map { 128 + $0 } ?? exitCode }
    }

    /// Why a program could not be started.
    struct SpawnFailure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "cannot start it: \(String(cString: strerror(code)))" }
    }

    /// The first executable `name` in the folders of `PATH` (`/usr/bin:/bin` when unset), or nil.
    static func executable(named name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `arguments[0]` (a path) with `arguments`, its standard output and error captured in
    /// files under `scratch`, and waits for it.
    static func run(
        _ arguments: [String], environment: [String: String], scratch: URL, name: String, options: Options = Options()
    ) throws(EaseMLCIError) -> Result {
        let stdoutPath = scratch.appendingPathComponent("\(name).stdout").path
        let stderrPath = scratch.appendingPathComponent("\(name).stderr").path
        let ending: Ending
        do {
            ending = try run(arguments, environment: environment, stdout: stdoutPath, stderr: stderrPath, options: options)
        } catch {
            throw .scriptFailed(command: arguments.joined(separator: " "), reason: error.description, output: "")
        }
        let read = { (path: String) in FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return Result(status: ending.shellStatus, stdout: read(stdoutPath), stderr: read(stderrPath), timedOut: ending.timedOut)
    }

    /// Runs `arguments[0]` with standard output to the file `stdout` and standard error to
    /// `stderr` (`nil`: the same file), and waits for it as `options` say.
    static func run(
        _ arguments: [String], environment: [String: String], stdout: String, stderr: String?, options: Options
    ) throws(SpawnFailure) -> Ending {
        let reaping = options.killDescendants ? OrphanReaper.start() : nil
        defer { reaping?.stop() }
        let pid = try spawn(arguments, environment: environment, stdout: stdout, stderr: stderr, options: options)
        let group = options.grouping == .none ? nil : pid
        // The timer kills the group unless the child has ended (checked under the lock, and the
        // child is not reaped before the timer is disarmed, so its pid cannot be reused meanwhile).
        let state = Mutex((ended: false, killed: false))
        if let timeout = options.timeoutSeconds {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                state.withLock { value in
                    guard !value.ended else { return }
                    value.killed = true
                    kill(group.map { -$0 } ?? pid, SIGKILL)
                }
            }
        }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        let killed = state.withLock { value in
            value.ended = true
            return value.killed
        }
        // The group goes before the child is reaped, while its id cannot name another group.
        if options.killDescendants, let group { kill(-group, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        reaping?.killAll()
        return Ending(status: status, timedOut: killed)
    }

    /// Starts `arguments[0]` talking through pipes, without waiting for it: a long-lived child
    /// (an AutoML trial worker). Returns its pid, the descriptor its standard input is written to
    /// and the one its standard output is read from (both close-on-exec, so no other child
    /// inherits them); its standard error is appended to the file `errorLog`.
    static func start(
        _ arguments: [String], environment: [String: String], errorLog: String, options: Options
    ) throws(SpawnFailure) -> (pid: pid_t, input: Int32, output: Int32) {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        // Made under the lock every spawn takes, so no child of another thread inherits them.
        let made = spawnLock.withLock { _ -> Int32 in
            guard pipe(&input) == 0 else { return errno }
            guard pipe(&output) == 0 else {
                let code = errno
                close(input[0])
                close(input[1])
                return code
            }
            for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        guard made == 0 else { throw SpawnFailure(code: made) }
        defer {
            close(input[0])
            close(output[1])
        }
        do {
            let pid = try spawn(arguments, environment: environment, streams: .pipes(input: input[0], output: output[1], errorLog: errorLog), options: options)
            return (pid, input[1], output[0])
        } catch {
            close(input[1])
            close(output[0])
            throw error
        }
    }

    /// Where a child's standard streams go.
    private enum Streams {
        /// Input from /dev/null, output to the file `stdout` (truncated), error to `stderr` (nil: the same file).
        case files(stdout: String, stderr: String?)
        /// Input and output through the descriptors, error appended to the file.
        case pipes(input: Int32, output: Int32, errorLog: String)
    }

    /// Held while a child is spawned (descriptors are marked close-on-exec, then the child starts)
    /// and while descriptors meant to stay in this process are made.
    private static let spawnLock = Mutex(())

    private static func spawn(
        _ arguments: [String], environment: [String: String], stdout: String, stderr: String?, options: Options
    ) throws(SpawnFailure) -> pid_t {
        try spawn(arguments, environment: environment, streams: .files(stdout: stdout, stderr: stderr), options: options)
    }

    private static func spawn(
        _ arguments: [String], environment: [String: String], streams: Streams, options: Options
    ) throws(SpawnFailure) -> pid_t {
        try spawnLock.withLock { (_) throws(SpawnFailure) -> pid_t in try spawnLocked(arguments, environment: environment, streams: streams, options: options) }
    }

    private static func spawnLocked(
        _ arguments: [String], environment: [String: String], streams: Streams, options: Options
    ) throws(SpawnFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch streams {
        case .files(let stdout, let stderr):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            if let stderr {
                posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            } else {
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
        case .pipes(let input, let output, let errorLog):
            posix_spawn_file_actions_adddup2(&actions, input, 0)
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        }
        // No other descriptor of ours (a caller's pipe, the ledger) leaks into the child, so a
        // child (or an orphan it leaves) holds nothing of its parent open.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags: Int32 = 0
        if !options.defaultSignals.isEmpty {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in options.defaultSignals { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            flags |= Int32(POSIX_SPAWN_SETSIGDEF)
        }
        switch options.grouping {
        case .none: break
        case .processGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        case .session:
            flags |= posixSpawnSetSID
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnFailure(code: spawned) }
        return pid
    }

    /// glibc's `POSIX_SPAWN_SETSID` (since 2.26), which its headers declare only under
    /// `_GNU_SOURCE`.
    private static let posixSpawnSetSID: Int32 = 0x80
}

/// Makes this process the reaper of orphaned descendants while a child runs, and afterwards
/// kills every process that was re-parented to it (and their children, re-parented in turn).
///
/// Children this process had before `start` are never touched: only processes that appeared
/// since, which in a command-line run are the child's descendants.
final class OrphanReaper: Sendable {
    private static let users = Mutex(0)
    private let before: Set<pid_t>

    private init(before: Set<pid_t>) { self.before = before }

    static func start() -> OrphanReaper {
        users.withLock { count in
            if count == 0 { _ = easeml_set_child_subreaper(1) }
            count += 1
        }
        return OrphanReaper(before: ProcessTable.children(of: getpid()))
    }

    func stop() {
        Self.users.withLock { count in
            count -= 1
            if count == 0 { _ = easeml_set_child_subreaper(0) }
        }
    }

    /// Kills and reaps the new children until none is left (a killed process's own children are
    /// re-parented here and go in the next round), for at most five seconds.
    func killAll() {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let orphans = ProcessTable.children(of: getpid()).subtracting(before)
            if orphans.isEmpty { return }
            for pid in orphans {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            }
        }
    }
}
