import EaseMLTestSupport
import Foundation
import Testing

/// The CI templates are what GitHub and GitLab accept: each file validates against the schema
/// check-jsonschema vendors for it (offline; `.venv/` from Tests/python-requirements.txt).
struct CITemplateSchemaTests {
    static let templates = TestPython.packageRoot.appendingPathComponent("ci-templates")

    @Test(arguments: [
        ("vendor.github-workflows", "github/workflows/easeml-predict.yml"),
        ("vendor.github-workflows", "github/workflows/easeml-check.yml"),
        ("vendor.github-actions", "github/predict/action.yml"),
        ("vendor.github-actions", "github/check/action.yml"),
        ("vendor.github-actions", "github/action.yml"),
        ("vendor.gitlab-ci", "gitlab/easeml-ci.gitlab-ci.yml"),
    ])
    func theTemplateValidates(schema: String, file: String) throws {
        let program = TestPython.binDirectory.appendingPathComponent("check-jsonschema")
        guard FileManager.default.isExecutableFile(atPath: program.path) else { throw TestPython.MissingEnvironment(path: program.path) }
        let result = try CommandLineRunner.runProgram(program, ["--builtin-schema", schema, file], in: Self.templates)
        #expect(result.status == 0, "\(file): \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ok -- validation done"))
    }
}
