import Foundation

/// Turns one document into plain text with a well-kept converter from Debian's packages, found on
/// `PATH` at run time: `.pdf` through `pdftotext` (poppler-utils), `.docx`, `.html` and `.htm`
/// through `pandoc`, `.txt` and `.md` read as UTF-8. The text is normalized to one line: every run
/// of white space (line breaks, form feeds between pages, tabs) becomes one space, control
/// characters are dropped, and the ends are trimmed, so a document is one CSV cell whatever its
/// layout. Each converter runs with a timeout (a hostile file cannot hang ingestion) and with
/// `HOME` and the working directory in a scratch folder.
struct DocumentConverter {
    /// A document format and the converter that reads it.
    enum Kind: String, CaseIterable {
        case pdf, docx, html, text

        /// The kind an extension names, or nil for files that are not documents.
        static func of(_ path: String) -> Kind? {
            switch (path as NSString).pathExtension.lowercased() {
            case "pdf": .pdf
            case "docx": .docx
            case "html", "htm": .html
            case "txt", "md": .text
            default: nil
            }
        }

        /// The program that converts it, and the Debian package that ships the program.
        var tool: (program: String, package: String)? {
            switch self {
            case .pdf: ("pdftotext", "poppler-utils")
            case .docx, .html: ("pandoc", "pandoc")
            case .text: nil
            }
        }

        /// What the `source` column names: the converter, or `text` for files read as they are.
        var source: String { tool?.program ?? "text" }

        func arguments(program: String, file: String) -> [String] {
            switch self {
            case .pdf: [program, "-enc", "UTF-8", "-nopgbrk", file, "-"]
            case .docx: [program, "--from=docx", "--to=plain", "--wrap=none", file]
            case .html: [program, "--from=html", "--to=plain", "--wrap=none", file]
            case .text: []
            }
        }
    }

    /// Why one document gave no text (the file is reported with its path, skipped or refused).
    struct Malformed: Error {
        var reason: String
    }

    /// The seconds one conversion may take.
    static let timeoutSeconds = 120.0

    let scratch: URL
    private var programs: [String: String] = [:]

    init(scratch: URL) {
        self.scratch = scratch
    }

    /// The path of `program` on `PATH`, or the error naming the Debian package to install.
    mutating func program(for kind: Kind, needed file: String) throws(EaseMLCIError) -> String? {
        guard let (program, package) = kind.tool else { return nil }
        if let known = programs[program] { return known }
        guard let path = Subprocess.executable(named: program) else {
            throw .missingTool(program: program, package: package, purpose: "to read \(kind.rawValue) documents such as \(file)")
        }
        programs[program] = path
        return path
    }

    /// The normalized text of `file` (an absolute path) of the given kind.
    mutating func text(of file: String, kind: Kind) throws(EaseMLCIError) -> Result<String, Malformed> {
        let raw: String
        if let program = try program(for: kind, needed: file) {
            let result = try Subprocess.run(
                kind.arguments(program: program, file: file),
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": scratch.path, "LANG": "C.UTF-8"],
                scratch: scratch, name: "convert", options: .init(grouping: .processGroup, timeoutSeconds: Self.timeoutSeconds))
            let name = kind.source
            if result.timedOut { return .failure(Malformed(reason: "\(name) took longer than \(Int(Self.timeoutSeconds)) s")) }
            guard result.status == 0 else {
                // The last line is the converter's verdict (pdftotext warns before it errs).
                let line = result.stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(result.status)"
                return .failure(Malformed(reason: "\(name) could not read it (\(line))"))
            }
            raw = result.stdout
        } else {
            let data = try LabeledDataFile.contents(file)
            guard let decoded = String(data: data, encoding: .utf8) else { return .failure(Malformed(reason: "not UTF-8 text")) }
            raw = decoded
        }
        let text = Self.normalized(raw)
        guard !text.isEmpty else {
            return .failure(Malformed(reason: kind == .pdf ? "no text in it (a scanned PDF needs OCR first)" : "no text in it"))
        }
        return .success(text)
    }

    /// One line: white space runs collapsed to one space, other control characters dropped, trimmed.
    static func normalized(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in raw.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else if scalar.properties.generalCategory == .control || scalar == "\u{FEFF}" {
                continue
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }
}
