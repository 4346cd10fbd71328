import EaseMLData
import EaseMLEngines
import Foundation

/// Runs the user's text embedder for `ingest table --embed`: a command that takes the contract of
/// `scripts/embed-text.py` — `COMMAND INPUT.csv --text COLUMN --output OUTPUT.npy` — and writes one
/// row of floats per CSV row. The command is run by `/bin/sh` (so `.venv/bin/python
/// scripts/embed-text.py` works as written) in the current folder, with the AutoML trials'
/// allow-listed environment (`ChildEnvironment.trial`: no key, no CI token; more variables through
/// `EASEML_PASS_ENV`). Only the present cells of the column are sent, in row order; a row whose
/// cell is missing gets a missing embedding.
struct TextEmbedder {
    var command: String

    /// The embedding of each row (nil: the cell was missing), and the dimension.
    func embed(_ cells: [String?], column: String) throws(EaseMLCIError) -> (rows: [[Double]?], dimensions: Int) {
        let present = cells.indices.filter { cells[$0] != nil }
        guard !present.isEmpty else {
            throw .invalidOption(option: "--embed", message: "the column `\(column)` has no text to embed")
        }
        let scratch = try ScratchFolder.make("embed")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("texts.csv").path
        let output = scratch.appendingPathComponent("embedding.npy").path
        try AtomicFile.write(Data(CSVWriter.text([[column]] + present.map { [cells[$0]!] }).utf8), to: input)
        let result = try Subprocess.run(
            ["/bin/sh", "-c", command + " \"$@\"", "embedder", input, "--text", column, "--output", output],
            environment: ChildEnvironment.trial(from: ProcessInfo.processInfo.environment), scratch: scratch, name: "embedder")
        guard result.status == 0 else {
            let last = result.stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "no message"
            throw .invalidOption(option: "--embedder", message: "`\(command)` exited with status \(result.status): \(last)")
        }
        let matrix: Matrix
        do {
            let data = try LabeledDataFile.contents(output)
            matrix = try data.withUnsafeBytes { raw throws(MatrixFileError) in try NumpyMatrixReader.read(raw, file: "the embedder's output") }
        } catch let error as EaseMLCIError {
            throw .invalidOption(option: "--embedder", message: "`\(command)` wrote no .npy file at --output (\(error.message))")
        } catch {
            throw .invalidOption(option: "--embedder", message: "`\(command)` wrote an unreadable .npy file: \(error)")
        }
        guard matrix.rows == present.count else {
            throw .invalidOption(option: "--embedder", message: "`\(command)` wrote \(matrix.rows) rows for \(present.count) texts")
        }
        var rows = [[Double]?](repeating: nil, count: cells.count)
        for (position, row) in present.enumerated() { rows[row] = Array(matrix.row(position)) }
        return (rows, matrix.columns)
    }
}
