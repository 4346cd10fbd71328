import EaseMLData
import Foundation

/// `easeml-ci ingest documents` (step 1 of the process, the paper's Document template): a folder of
/// `.pdf`, `.docx`, `.html`/`.htm` and `.txt`/`.md` files becomes one table, `documents.csv`, with the
/// columns `id` (the file's path relative to the folder), `text` (`DocumentConverter`'s one-line
/// text), `label` and `source` (the converter: pdftotext, pandoc or text). A document's label is the
/// name of the sub-folder it sits in (its first path component), unless `labels` — a CSV with the
/// columns `id` and `label` — names it; a document with neither has an empty label (an unlabelled
/// pool). Files are taken in byte order of their paths and hidden files and folders are passed
/// over, so the same folder gives the same bytes. Files that are not documents are listed as
/// ignored. A document no converter can read is refused with its path and reason (nothing written)
/// or, with `skipMalformed`, left out and listed. The table feeds `ingest table` (the text column is
/// kept out of the features) and `scripts/embed-text.py --text text --label label`.
public struct DocumentsReport: Sendable, Encodable, Equatable {
    public struct Request: Sendable {
        public var input: String
        public var output: String
        public var labels: String?
        public var skipMalformed: Bool

        public init(input: String, output: String, labels: String? = nil, skipMalformed: Bool = false) {
            self.input = input
            self.output = output
            self.labels = labels
            self.skipMalformed = skipMalformed
        }
    }

    public struct Skipped: Sendable, Encodable, Equatable {
        public var path: String
        public var reason: String
    }

    public var input: String
    public var documents: Int
    /// Documents per format (pdf, docx, html, text).
    public var byFormat: [String: Int]
    /// Documents per label; the unlabelled ones are counted in `unlabelled`.
    public var byLabel: [String: Int]
    public var unlabelled: Int
    /// Documents no converter could read (only with `skipMalformed`; otherwise the run fails).
    public var skipped: [Skipped]
    /// Files under the folder that are not documents (by extension), relative paths.
    public var ignored: [String]
    public var outputs: [IngestionReport.Output]

    public static func make(_ request: Request) throws(EaseMLCIError) -> DocumentsReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: request.input, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidOption(option: "--input", message: "\(request.input) is not a folder (give the folder that holds the documents)")
        }
        let root = URL(fileURLWithPath: request.input, isDirectory: true).standardizedFileURL
        let (documents, ignored) = try listing(root)
        guard !documents.isEmpty else {
            throw .invalidOption(option: "--input", message: "\(request.input) holds no .pdf, .docx, .html, .htm, .txt or .md file")
        }
        var labels = try request.labels.map { path throws(EaseMLCIError) in try labelTable(path) } ?? [:]
        for id in labels.keys.sorted() where !documents.contains(where: { $0.id == id }) {
            throw .invalidOption(option: "--labels", message: "\(request.labels!):\(labels[id]!.line): no document `\(id)` under \(request.input) (ids are paths relative to the folder)")
        }

        let scratch = try ScratchFolder.make("documents")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var converter = DocumentConverter(scratch: scratch)
        var lines = [CSVWriter.line(["id", "text", "label", "source"])]
        var skipped: [Skipped] = []
        var byFormat: [String: Int] = [:]
        var byLabel: [String: Int] = [:]
        var unlabelled = 0
        for document in documents {
            switch try converter.text(of: root.appendingPathComponent(document.id).path, kind: document.kind) {
            case .failure(let malformed):
                skipped.append(Skipped(path: document.id, reason: malformed.reason))
            case .success(let text):
                let label = labels.removeValue(forKey: document.id)?.label ?? document.folderLabel ?? ""
                if label.isEmpty { unlabelled += 1 } else { byLabel[label, default: 0] += 1 }
                byFormat[document.kind.rawValue, default: 0] += 1
                lines.append(CSVWriter.line([document.id, text, label, document.kind.source]))
            }
        }
        if !skipped.isEmpty && !request.skipMalformed {
            throw .unreadableInputs(option: "--input", files: skipped.map { (path: root.appendingPathComponent($0.path).path, reason: $0.reason) })
        }
        guard lines.count > 1 else {
            throw .invalidOption(option: "--input", message: "no document under \(request.input) could be read (\(skipped.count) skipped)")
        }
        let outputs = try IngestionReport.Output.write([("documents", "documents.csv", Data(lines.joined().utf8))], into: request.output)
        return DocumentsReport(
            input: request.input, documents: lines.count - 1, byFormat: byFormat, byLabel: byLabel, unlabelled: unlabelled,
            skipped: skipped, ignored: ignored, outputs: outputs)
    }

    struct Document {
        var id: String
        var kind: DocumentConverter.Kind
        var folderLabel: String?
    }

    /// The documents under `root` in byte order of their relative paths, and the other files.
    static func listing(_ root: URL) throws(EaseMLCIError) -> (documents: [Document], ignored: [String]) {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw .unreadableFile(path: root.path, reason: "cannot list the folder")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &sub), !sub.boolValue {
                files.append(relative)
            }
        }
        files.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var documents: [Document] = []
        var ignored: [String] = []
        for relative in files {
            guard let kind = DocumentConverter.Kind.of(relative) else {
                ignored.append(relative)
                continue
            }
            let components = relative.split(separator: "/")
            let folder = components.count > 1 ? String(components[0]) : nil
            if let folder, let problem = labelProblem(folder) {
                throw .invalidOption(option: "--input", message: "\(root.appendingPathComponent(folder).path): the folder name `\(folder)` cannot be a label: \(problem)")
            }
            documents.append(Document(id: relative, kind: kind, folderLabel: folder))
        }
        return (documents, ignored)
    }

    /// Why `label` cannot be a class name of easeml-ci's CSV files, or nil.
    static func labelProblem(_ label: String) -> String? {
        if label.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) { return "it holds a comma, a quote or a line break" }
        if label != label.trimmingCharacters(in: .whitespaces) { return "it starts or ends with a space" }
        return nil
    }

    /// `labels.csv`: a header with `id` and `label`, one row per document.
    static func labelTable(_ path: String) throws(EaseMLCIError) -> [String: (label: String, line: Int)] {
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: try LabeledDataFile.contents(path), file: path) } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .matrixFile(.malformedCSV(error as! CSVError))
        }
        guard let header = records.first, let idColumn = header.fields.firstIndex(of: "id"), let labelColumn = header.fields.firstIndex(of: "label") else {
            throw .invalidOption(option: "--labels", message: "\(path):1: the header needs the columns `id` and `label`")
        }
        var table: [String: (label: String, line: Int)] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                throw .invalidOption(option: "--labels", message: "\(path):\(record.line): \(record.fields.count) fields, the header has \(header.fields.count)")
            }
            let id = record.fields[idColumn]
            let label = record.fields[labelColumn]
            if let problem = labelProblem(label) ?? (label.isEmpty ? "it is empty" : nil) {
                throw .invalidOption(option: "--labels", message: "\(path):\(record.line):\(labelColumn + 1): the label `\(label)` cannot be used: \(problem)")
            }
            if let earlier = table[id] {
                throw .invalidOption(option: "--labels", message: "\(path):\(record.line): `\(id)` is labelled again (first on line \(earlier.line))")
            }
            table[id] = (label, record.line)
        }
        return table
    }

    /// The human-readable report.
    public func text() -> String {
        var lines = ["Ingested \(input): \(documents) document\(documents == 1 ? "" : "s") (" + byFormat.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"]
        let labelled = byLabel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("labels: " + (labelled.isEmpty ? "none" : labelled) + (unlabelled > 0 ? "; \(unlabelled) unlabelled" : ""))
        for item in skipped { lines.append("skipped \(item.path): \(item.reason)") }
        if !ignored.isEmpty {
            lines.append("ignored \(ignored.count) file\(ignored.count == 1 ? "" : "s") that \(ignored.count == 1 ? "is not a document" : "are not documents"): " + ignored.prefix(5).joined(separator: ", ") + (ignored.count > 5 ? ", …" : ""))
        }
        for output in outputs { lines.append("wrote \(output.path) (\(output.role), sha256:\(output.sha256.prefix(12)))") }
        lines.append("Next: easeml-ci ingest table --input \(outputs.first?.path ?? "documents.csv") (the text column is left out of the features), or embed it: scripts/embed-text.py --text text --label label")
        return lines.joined(separator: "\n")
    }
}
