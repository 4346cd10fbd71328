import Foundation

/// A private scratch folder (mode 0700) under the system's temporary folder, named
/// `easeml-ci-<label>-<UUID>`: the one way a command makes one. The caller removes it
/// (`defer { try? FileManager.default.removeItem(at: folder) }`).
enum ScratchFolder {
    static func make(_ label: String) throws(EaseMLCIError) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-ci-\(label)-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unwritableFile(path: folder.path, reason: "cannot create a scratch folder: \(error.localizedDescription)")
        }
        return folder
    }
}
