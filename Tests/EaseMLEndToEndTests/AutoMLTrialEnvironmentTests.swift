import EaseMLTestSupport
import Foundation
import Testing

/// A local AutoML trial runs code from the repository (issue 15): it gets the allow-listed
/// environment — no key, no CI token — plus what the person running the search names in
/// EASEML_PASS_ENV, never a secret even then.
@Suite(.serialized) struct AutoMLTrialEnvironmentTests {
    @Test func aTrialSeesNoKeyAndNoCIToken() throws {
        let folder = try AutoMLWorkspace.make(
            script: "#!/bin/sh\nenv > \"$(dirname \"$0\")/trial-env.txt\"\necho 'EASEML_RESULT {\"score\": 0.5}'\n",
            automl: "train: train.csv\nvalid: valid.csv\nbudget: {trials: 1}\ncandidates:\n  - name: env\n    command: ./trial.sh")
        defer { try? FileManager.default.removeItem(at: folder) }
        let secrets = [
            "EASEML_KEY": String(repeating: "ab", count: 32), "GITHUB_TOKEN": "ghs_secret", "ACTIONS_RUNTIME_TOKEN": "runtime",
            "CI_JOB_TOKEN": "job", "SOME_PASSWORD": "hunter2", "CUDA_VISIBLE_DEVICES": "1",
        ]
        let run = try CommandLineRunner.run(
            ["automl", "run", "--ledger", folder.appendingPathComponent("ledger.sqlite").path], in: folder,
            environment: secrets.merging(["EASEML_PASS_ENV": "CUDA_VISIBLE_DEVICES,GITHUB_TOKEN", "CI": "true"]) { $1 })
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let seen = try String(contentsOf: folder.appendingPathComponent("trial-env.txt"), encoding: .utf8)
        let names = Set(seen.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
        for name in ["EASEML_KEY", "GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "CI_JOB_TOKEN", "SOME_PASSWORD", "CI"] {
            #expect(!names.contains(name), "\(name) reached the trial")
        }
        #expect(names.contains("CUDA_VISIBLE_DEVICES") && names.contains("PATH") && names.contains("EASEML_TRIAL"), "\(names.sorted())")
        for value in secrets.values where value != "1" { #expect(!seen.contains(value)) }
    }
}
