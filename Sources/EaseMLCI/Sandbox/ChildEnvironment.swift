/// The environment of every child that runs code easeml-ci does not own: the prediction script
/// and AutoML trials. An allow-list, not a deny-list: what is not named here never reaches the
/// child, so a secret added to a CI job tomorrow (a token, a password) is not passed either.
///
/// Only git, which easeml-ci runs on the owner's behalf to fetch and push the travelling ledger,
/// keeps the whole environment (its credential helpers and ssh agent need it).
public enum ChildEnvironment {
    /// Always passed when set: the search path and the locale (`LANG`, `LANGUAGE`, `LC_*`).
    static func isBase(_ name: String) -> Bool {
        name == "PATH" || name == "LANG" || name == "LANGUAGE" || name.hasPrefix("LC_")
    }

    /// Never passed, even when asked for: the owner's key and the tokens CI platforms hand a job.
    public static func isSecret(_ name: String) -> Bool {
        let exact: Set<String> = [
            "EASEML_KEY", "EASEML_KEY_FILE", "GITHUB_TOKEN", "GH_TOKEN", "CI_JOB_TOKEN", "CI_JOB_JWT", "CI_REGISTRY_PASSWORD",
            "CI_DEPLOY_PASSWORD", "CI_REPOSITORY_URL", "CI_SERVER_TLS_KEY_FILE", "EASEML_PUSH_TOKEN",
            // A server ledger's URL and libpq's password sources: a model must not reach the ledger.
            "EASEML_LEDGER_URL", "PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE",
        ]
        return exact.contains(name) || name.hasPrefix("ACTIONS_") || name.hasPrefix("CI_JOB_JWT") || name.hasPrefix("GITLAB_")
    }

    /// The variable in which the person running `automl run` / `serve` names more variables for
    /// the trials (comma- or space-separated, e.g. `CUDA_VISIBLE_DEVICES,OMP_NUM_THREADS`).
    public static let passVariable = "EASEML_PASS_ENV"

    /// The prediction script's environment: `PATH`, the locale, a private `HOME` and `TMPDIR`,
    /// and `EASEML_INPUTS` / `EASEML_OUTPUT` — nothing else.
    public static func script(from parent: [String: String], home: String, temporary: String, inputs: String, output: String) -> [String: String] {
        var environment = parent.filter { isBase($0.key) }
        environment["HOME"] = home
        environment["TMPDIR"] = temporary
        environment["EASEML_INPUTS"] = inputs
        environment["EASEML_OUTPUT"] = output
        return environment
    }

    /// An AutoML trial's environment: `PATH`, the locale, `HOME`, `TMPDIR`, `TZ`, `USER`,
    /// `LOGNAME`, and the variables `EASEML_PASS_ENV` names — never a secret (`isSecret`).
    public static func trial(from parent: [String: String]) -> [String: String] {
        let owned: Set<String> = ["HOME", "TMPDIR", "TZ", "USER", "LOGNAME"]
        let asked = Set((parent[passVariable] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init))
        return parent.filter { (isBase($0.key) || owned.contains($0.key) || asked.contains($0.key)) && !isSecret($0.key) }
    }

    /// The names a script's environment holds, for the record of what was in force.
    static let scriptNames = ["PATH", "LANG", "LANGUAGE", "LC_*", "HOME (private)", "TMPDIR (private)", "EASEML_INPUTS", "EASEML_OUTPUT"]
}
