import EaseMLCI
import Testing

/// The one allow-list of the environments of code easeml-ci does not own (issue 15).
struct ChildEnvironmentTests {
    static let parent = [
        "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C", "HOME": "/home/owner", "TMPDIR": "/tmp", "USER": "owner",
        "EASEML_KEY": "secret", "EASEML_KEY_FILE": "/home/owner/.easeml.key", "GITHUB_TOKEN": "ghs_x", "ACTIONS_RUNTIME_TOKEN": "y",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x", "CI_JOB_TOKEN": "z", "AWS_SECRET_ACCESS_KEY": "w", "CUDA_VISIBLE_DEVICES": "0",
    ]

    @Test func theScriptGetsTheLocalePathAPrivateHomeAndItsTwoFilesOnly() {
        let environment = ChildEnvironment.script(from: Self.parent, home: "/s/home", temporary: "/s/tmp", inputs: "/in", output: "/s/out.csv")
        #expect(environment == [
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C", "HOME": "/s/home", "TMPDIR": "/s/tmp",
            "EASEML_INPUTS": "/in", "EASEML_OUTPUT": "/s/out.csv",
        ])
    }

    @Test func aTrialGetsTheAllowListAndWhatTheOwnerNamesButNeverASecret() {
        var parent = Self.parent
        #expect(Set(ChildEnvironment.trial(from: parent).keys) == ["PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "USER"])
        parent["EASEML_PASS_ENV"] = "CUDA_VISIBLE_DEVICES, GITHUB_TOKEN,EASEML_KEY ACTIONS_RUNTIME_TOKEN"
        let trial = ChildEnvironment.trial(from: parent)
        #expect(trial["CUDA_VISIBLE_DEVICES"] == "0")
        for secret in ["GITHUB_TOKEN", "EASEML_KEY", "EASEML_KEY_FILE", "ACTIONS_RUNTIME_TOKEN", "CI_JOB_TOKEN", "AWS_SECRET_ACCESS_KEY"] {
            #expect(trial[secret] == nil, "\(secret)")
        }
    }
}
