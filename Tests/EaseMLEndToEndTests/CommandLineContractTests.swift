import EaseMLTestSupport
import Foundation
import Testing

/// The contract every command keeps (issue 13): usage errors exit 2, every result and every error
/// is JSON under `--json`, a broken `.easeml.yml` is an error for every command that reads it and
/// changes no ledger, and every command honours `ledger:`.
@Suite struct CommandLineContractTests {
    /// Every leaf command of `easeml-ci`, from ArgumentParser's own description of the tree, with
    /// its required arguments: `(path, [(name or nil for a positional, value name)], has --json)`.
    struct Leaf: CustomStringConvertible {
        var path: [String]
        var required: [(name: String?, value: String)]
        var hasJSON: Bool
        var description: String { path.joined(separator: " ") }
    }

    static func leaves() throws -> [Leaf] {
        let dump = try CommandLineRunner.run(["--experimental-dump-help"])
        guard dump.status == 0, let tree = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any],
            let root = tree["command"] as? [String: Any]
        else { throw DumpError(text: dump.stdout + dump.stderr) }
        var leaves: [Leaf] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["commandName"] as? String != "help" }
            if subcommands.isEmpty {
                let arguments = command["arguments"] as? [[String: Any]] ?? []
                func names(_ argument: [String: Any]) -> [String] { (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
                let required = arguments.filter { ($0["isOptional"] as? Bool) == false }.map { argument in
                    (name: argument["kind"] as? String == "positional" ? nil : names(argument).first, value: argument["valueName"] as? String ?? "value")
                }
                leaves.append(Leaf(path: path, required: required, hasJSON: arguments.contains { names($0).contains("json") }))
            }
            for sub in subcommands { walk(sub, path + [sub["commandName"] as? String ?? "?"]) }
        }
        walk(root, [])
        return leaves
    }

    struct DumpError: Error { var text: String }

    @Test func thereAreMoreThanFortyLeafCommandsAndEachPrintsJSON() throws {
        let leaves = try Self.leaves()
        #expect(leaves.count >= 40, "\(leaves)")
        // `pick run` is an interactive loop at a terminal: it prints prompts, not a result.
        let withoutJSON = leaves.filter { !$0.hasJSON }.map(\.description)
        #expect(withoutJSON == ["pick run"], "\(withoutJSON)")
    }

    @Test func everyUsageErrorExitsTwoAsTextAndAsJSON() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for leaf in try Self.leaves() {
            // Required arguments are checked first, so they are given (with values that are never used).
            let given = leaf.path + leaf.required.flatMap { argument in (argument.name.map { ["--\($0)"] } ?? []) + [argument.value == "name" ? "sklearn" : argument.value == "n" ? "1" : "x"] }
            let text = try CommandLineRunner.run(given + ["--no-such-flag"], in: folder)
            #expect(text.status == 2, "\(leaf): \(text.status) \(text.stderr)")
            #expect(text.stderr.hasPrefix("error: "), "\(leaf): \(text.stderr)")
            #expect(text.stderr.contains("--no-such-flag") && text.stderr.contains("Usage: easeml-ci \(leaf)"), "\(leaf): \(text.stderr)")
            #expect(text.stdout.isEmpty, "\(leaf): \(text.stdout)")
            guard leaf.hasJSON else { continue }
            let json = try CommandLineRunner.run(given + ["--json", "--no-such-flag"], in: folder)
            #expect(json.status == 2, "\(leaf)")
            #expect(json.stderr.isEmpty, "\(leaf): \(json.stderr)")
            let error = try #require(try jsonError(json.stdout), "\(leaf): \(json.stdout)")
            #expect(error["kind"] as? String == "usage" && error["exitCode"] as? Int == 2, "\(leaf)")
            #expect((error["message"] as? String)?.contains("--no-such-flag") == true, "\(leaf)")
            if !leaf.required.isEmpty {
                // A missing required argument is a usage error too.
                let missing = try CommandLineRunner.run(leaf.path, in: folder)
                #expect(missing.status == 2 && missing.stderr.hasPrefix("error: Missing expected argument"), "\(leaf): \(missing.stderr)")
            }
        }
        // A value that fails a command's own validation exits 2 as well (ArgumentParser says 64).
        for arguments in [["pick", "next", "--batch", "0"], ["log", "-n", "0"], ["clean", "next", "--batch", "0"], ["value", "--train", "a", "--valid", "b", "--metric", "manhattan"]] {
            let result = try CommandLineRunner.run(arguments, in: folder)
            #expect(result.status == 2 && result.stderr.hasPrefix("error: "), "\(arguments): \(result.status) \(result.stderr)")
        }
    }

    /// Every command, given `--json` and files that do not exist, in a folder that is no repository:
    /// whatever goes wrong is a JSON error object on standard output with the process's exit code,
    /// and follows `schemas/error.schema.json` (a success, the schema of its command, if listed).
    @Test func everyCommandsErrorsAreJSONUnderJSON() throws {
        var outputs: [JSONSchemaContractTests.Output] = []
        for leaf in try Self.leaves() where leaf.hasJSON {
            // A folder of its own: `init` and `key generate` succeed and write files.
            let folder = try CommandLineRunner.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: folder) }
            var arguments = leaf.path
            for argument in leaf.required {
                if let name = argument.name { arguments.append("--\(name)") }
                arguments.append(argument.value == "name" ? "sklearn" : "missing-\(argument.value).csv")
                if argument.name == nil && leaf.path.last == "simulate" { arguments.append("missing-2.csv") }
            }
            let result = try CommandLineRunner.run(arguments + ["--json"], in: folder)
            outputs.append(.init(command: leaf.description, stdout: result.stdout))
            let parsed = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            #expect(parsed != nil, "\(arguments): stdout is not JSON: \(result.stdout) \(result.stderr)")
            if result.status != 0 {
                let error = try #require(try jsonError(result.stdout), "\(arguments): \(result.stdout)")
                #expect(error["exitCode"] as? Int == Int(result.status), "\(arguments)")
                #expect((error["message"] as? String)?.isEmpty == false && error["kind"] is String, "\(arguments)")
                #expect(!result.stdout.contains("error: "), "\(arguments): the prefix is for text only: \(result.stdout)")
            }
        }
        let validated = try JSONSchemaContractTests.validate(outputs, strict: false)
        #expect(validated.status == 0, "\(validated.report)")
    }

    /// The results of the gate's commands, as an owner and a developer would run them, parse as JSON.
    @Test func theGatesResultsAreJSON() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            steps: 3
            ledger: gate.sqlite
            """)
        defer { fixture.remove() }
        try runGit(fixture.root, ["init", "-q"])
        var runs: [([String], [Int32])] = [
            (["plan"], [0]), (["testset", "add", "--labels", "labels.csv"], [0]), (["testset", "list"], [0]),
            (["check", "--predictions", try fixture.model("m.csv", wrong: 100)], [0]), (["status"], [0]), (["report"], [0]),
            (["ledger", "verify"], [0]), (["version"], [0]), (["hook", "pre-commit"], [0]),
            (["key", "generate", "--output", "second.key"], [0]),
        ]
        runs.append((["check", "--predictions", try fixture.model("bad.csv", wrong: 2900)], [1]))
        for (arguments, statuses) in runs {
            let result = try fixture.run(arguments + ["--json"])
            #expect(statuses.contains(result.status), "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(object != nil && object?["error"] == nil, "\(arguments): \(result.stdout)")
        }
        let key = try String(contentsOf: fixture.root.appendingPathComponent("second.key"), encoding: .utf8)
        let generated = try fixture.run(["key", "generate", "--output", "third.key", "--json"])
        #expect(!generated.stdout.contains(key.trimmingCharacters(in: .whitespacesAndNewlines)))
        let retire = try fixture.run(["testset", "retire", String(try firstTestSet(fixture).prefix(12)), "--json"])
        let retired = try #require(try JSONSerialization.jsonObject(with: Data(retire.stdout.utf8)) as? [String: Any])
        #expect(retired["action"] as? String == "testset retire" && (retired["testSet"] as? String)?.count == 64)
    }

    private func firstTestSet(_ fixture: GateFixture) throws -> String {
        let list = try fixture.run(["testset", "list", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        return try #require((report["testSets"] as? [[String: Any]])?.first?["id"] as? String)
    }

    /// A typo in `.easeml.yml` stops every command that reads it, with the position, and no ledger
    /// file is created or changed: neither the configured one nor the default one.
    @Test func aTypoInTheConfigurationStopsEveryCommandAndTouchesNoLedger() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            steps: 3
            ledger: gate.sqlite
            automl:
              train: train.csv
              valid: valid.csv
              candidates:
                - name: constant
                  command: ./trial.sh {out_dir} {train}
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        try "a,b,label\n1,2,0\n2,,1\n3,4,0\n5,6,1\n".write(to: fixture.root.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try "a,b,label\n1,2,0\n5,6,1\n".write(to: fixture.root.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
        let config = fixture.root.appendingPathComponent(".easeml.yml")
        let good = try String(contentsOf: config, encoding: .utf8)
        try good.replacingOccurrences(of: "reliability: 0.9", with: "reliabilty: 0.9").write(to: config, atomically: true, encoding: .utf8)
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            let enumerator = FileManager.default.enumerator(at: fixture.root, includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension.hasPrefix("sqlite") || url.lastPathComponent.contains("sqlite") {
                    files[url.path] = try Data(contentsOf: url)
                }
            }
            return files
        }
        let before = try snapshot()
        #expect(before.keys.contains { $0.hasSuffix("/gate.sqlite") })
        let commands: [[String]] = [
            ["status"], ["testset", "list"], ["report"], ["ledger", "verify"], ["check", "--predictions", "labels.csv"],
            ["plan"], ["clean", "status"], ["clean", "next", "--train", "train.csv", "--valid", "valid.csv"],
            ["improve", "status"], ["pick", "status"], ["pick", "start", "--name", "p", "--models", "labels.csv", "labels.csv"],
            ["automl", "plan"], ["automl", "run"], ["automl", "leaderboard"], ["feasibility", "--data", "train.csv"],
        ]
        for arguments in commands {
            let result = try fixture.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stdout)")
            #expect(result.stderr.hasPrefix(".easeml.yml:2:1: error: unknown key `reliabilty`"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("hint: did you mean `reliability`?"), "\(arguments)")
            let json = try fixture.run(arguments + ["--json"])
            let location = try #require(try jsonError(json.stdout)?["location"] as? [String: Any], "\(arguments): \(json.stdout)")
            #expect(location["file"] as? String == ".easeml.yml" && location["line"] as? Int == 2 && location["column"] as? Int == 1)
        }
        #expect(try snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent(".git/easeml").path))
    }

    /// `ledger:` is honoured by every command that uses a ledger; `pick` used to ignore it.
    @Test func everyCommandHonoursTheConfiguredLedger() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            steps: 3
            ledger: store/gate.sqlite
            """)
        defer { fixture.remove() }
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("store"), withIntermediateDirectories: true)
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        let models = [try fixture.model("m1.csv", wrong: 100), try fixture.model("m2.csv", wrong: 300, offset: 5)]
        let start = try fixture.run(["pick", "start", "--name", "monday", "--models"] + models)
        #expect(start.status == 0, "\(start.stderr)")
        for arguments in [["pick", "status"], ["pick", "next"], ["status"], ["testset", "list"], ["ledger", "verify"]] {
            let result = try fixture.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let sub = fixture.root.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        // From a sub-folder the same `.easeml.yml` (and so the same ledger) applies.
        let status = try CommandLineRunner.run(["pick", "status", "--json"], in: sub, environment: fixture.environment)
        #expect(status.status == 0 && status.stdout.contains("monday"), "\(status.stdout) \(status.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent(".git/easeml/ledger.sqlite").path))
        #expect(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("store/gate.sqlite").path))
    }

    /// The executable is a thin layer over `EaseMLCI`: it imports nothing else of this package.
    @Test func theExecutableImportsOnlyEaseMLCIAndArgumentParser() throws {
        let folder = TestPython.packageRoot.appendingPathComponent("Sources/easeml-ci")
        let allowed: Set<String> = ["ArgumentParser", "EaseMLCI", "Foundation", "Dispatch", "Glibc", "Synchronization"]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let module = String(line.dropFirst("import ".count))
                #expect(allowed.contains(module), "\(file) imports \(module)")
            }
            #expect(!text.contains("exit(") || file == "EaseMLCICommand.swift" || file == "CommandLineEdge.swift", "\(file) exits on its own")
        }
    }
}

/// One way to do each thing (issue 13): each mechanism lives in one place in `Sources/`.
@Test func eachMechanismExistsOnceInTheSources() throws {
    let sources = TestPython.packageRoot.appendingPathComponent("Sources")
    var files: [(path: String, text: String)] = []
    let enumerator = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
        guard url.pathExtension == "swift" else { continue }
        files.append((url.path.replacingOccurrences(of: sources.path + "/", with: ""), try String(contentsOf: url, encoding: .utf8)))
    }
    #expect(files.count > 100)
    func holders(_ needle: String) -> [String] { files.filter { $0.text.contains(needle) }.map(\.path).sorted() }
    // No CSV is split by hand: every reader goes through the one tokenizer.
    #expect(holders(#"split(separator: ",""#).isEmpty, "\(holders(#"split(separator: ",""#))")
    // One .npy header reader (the magic bytes are spelled in it alone).
    #expect(holders("0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59").allSatisfy { $0.hasPrefix("EaseMLData/") }, "\(holders("0x93, 0x4E"))")
    // One configuration-and-ledger resolver.
    #expect(holders("LedgerLocation.resolve(") == ["EaseMLCI/Workspace/Workspace.swift"])
    #expect(holders("ConfigurationFile.locate(") == ["EaseMLCI/Workspace/Workspace.swift"])
    // One writer of --json output, one XML escaper, one AutoML loop.
    #expect(holders("outputFormatting = [.prettyPrinted").allSatisfy { $0 == "EaseMLCI/Output/ReportJSON.swift" }, "\(holders("outputFormatting"))")
    #expect(holders("&amp;") == ["EaseMLCI/Output/XMLText.swift"])
    #expect(holders("ledger.startAutoMLTrial(") == ["EaseMLCI/AutoML/AutoMLSearchLoop.swift"])
}

/// The `error` object of a JSON error report, or nil when `text` is not one.
func jsonError(_ text: String) throws -> [String: Any]? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
    return object["error"] as? [String: Any]
}
