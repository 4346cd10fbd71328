import Foundation

/// Reads the labels a person gives acquired pool rows (`easeml-ci improve apply`): a CSV of
/// `row,label` lines, `row` the 0-based data row of the pool file and `label` a class of the
/// training file. A header line (`row,label`) is optional; errors name the 1-based line.
public enum PoolLabelsFile {
    public static func read(_ path: String) throws(EaseMLCIError) -> [(row: Int, label: String)] {
        let text = try CleaningInputs.text(path)
        var result: [(row: Int, label: String)] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || (index == 0 && trimmed.lowercased().hasPrefix("row,")) { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            }
            guard fields.count == 2, let row = Int(fields[0]), row >= 0, !fields[1].isEmpty else {
                throw .improvement(message: "\(path):\(index + 1): expected `row,label` (a pool row number and its label)")
            }
            result.append((row, fields[1]))
        }
        guard !result.isEmpty else { throw .improvement(message: "\(path) holds no labels") }
        return result
    }
}
