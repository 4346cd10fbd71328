import EaseMLTestSupport
import EaseMLData
import EaseMLEngines
import Foundation
import Testing
@testable import EaseMLCI

/// What `NumpyHeader` says about `example`, as a label vector (`vector`) or as a matrix.
private func expectedError(_ example: MalformedNumpyFiles.Example, file: String, vector: Bool) -> NumpyHeaderError? {
    example.bytes.withUnsafeBytes { raw -> NumpyHeaderError? in
        do throws(NumpyHeaderError) {
            let header = try NumpyHeader(parsing: raw, file: file)
            if vector { _ = try header.vectorLength(file: file) } else { _ = try header.matrixShape(file: file) }
            return nil
        } catch {
            return error
        }
    }
}

@Test(arguments: MalformedNumpyFiles.examples)
func bothNumpyReadersRefuseAMalformedHeaderWithItsTypedError(_ example: MalformedNumpyFiles.Example) throws {
    let asVector = try #require(expectedError(example, file: "x.npy", vector: true))
    let asMatrix = try #require(expectedError(example, file: "x.npy", vector: false))
    #expect(asVector.kind == example.kind && asMatrix.kind == example.kind)
    do {
        _ = try ClassColumnReader().read(Data(example.bytes), file: "x.npy")
        Issue.record("the label reader accepted \(example.name)")
    } catch {
        #expect(error.kind == .unsupportedFormat)
        #expect(error.diagnostic.message == asVector.message)
    }
    #expect(throws: MatrixFileError.numpyHeader(asMatrix)) { try NumpyMatrixReader.read(example.bytes, file: "x.npy") }
}

/// Every command that reads a `.npy` file, given each malformed header, exits 2 with a message
/// (never a trap).
@Suite(.serialized) struct MalformedNumpyCommandTests {
    // The condition names o, so `check --old` reads the old model's file.
    private static let config = """
        condition: n - o > 0.01 +/- 0.05
        reliability: 0.9
        adaptivity: full
        steps: 8
        """

    @Test func everyCommandReadingNpyExitsTwoOnEachMalformedHeader() throws {
        let fixture = try GateFixture(config: Self.config, size: 40)
        defer { fixture.remove() }
        let added = try fixture.run(["testset", "add", "--labels", "labels.csv", "--force"])
        #expect(added.status == 0, "\(added.stderr)")
        let root = fixture.root
        try Data(MalformedNumpyFiles.floats(rows: 40, columns: 2)).write(to: root.appendingPathComponent("features.npy"))
        try Data(MalformedNumpyFiles.labels((0..<40).map { Int64($0 % 3) })).write(to: root.appendingPathComponent("labels.npy"))
        _ = try fixture.model("m1.csv", wrong: 4)
        _ = try fixture.model("m2.csv", wrong: 8)
        // (arguments, whether the file is read as a label vector)
        let commands: [([String], Bool)] = [
            (["testset", "add", "--labels", "bad.npy", "--force"], true),
            (["check", "--predictions", "bad.npy"], true),
            (["baseline", "set", "--predictions", "bad.npy"], true),
            (["value", "--train", "bad.npy", "--valid", "features.npy", "--train-labels", "labels.npy", "--valid-labels", "labels.npy"], false),
            (["value", "--train", "features.npy", "--valid", "features.npy", "--train-labels", "bad.npy", "--valid-labels", "labels.npy"], false),
            (["feasibility", "--data", "bad.npy", "--labels", "labels.npy", "--target", "0.9"], false),
            (["feasibility", "--data", "features.npy", "--labels", "bad.npy", "--target", "0.9"], false),
            (["feasibility", "--data", "features.npy", "--labels", "labels.npy", "--old-predictions", "bad.npy", "--condition", "n - o > 0.01 +/- 0.05"], true),
            (["pick", "start", "--ledger", "pick.sqlite", "--name", "s", "--models", "bad.npy", "m2.csv"], true),
            (["pick", "simulate", "--labels", "bad.npy", "m1.csv", "m2.csv"], true),
        ]
        for example in MalformedNumpyFiles.examples {
            try Data(example.bytes).write(to: root.appendingPathComponent("bad.npy"))
            for (arguments, vector) in commands {
                let result = try fixture.run(arguments)
                let expected = expectedError(example, file: "bad.npy", vector: vector)?.message ?? "?"
                let what = "\(example.name): \(arguments.prefix(2).joined(separator: " ")): \(result.stderr)"
                #expect(result.status == 2, "\(what)")
                #expect(result.stderr.contains("bad.npy") && result.stderr.contains("error: "), "\(what)")
                #expect(result.stderr.contains(expected), "\(what) (expected \(expected))")
            }
        }
    }
}
