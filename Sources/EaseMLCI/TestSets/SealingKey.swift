import Crypto
import EaseMLLedger
import Foundation

/// The integration owner's key that seals test-set labels and hidden metrics (AES-256-GCM).
///
/// Read from `EASEML_KEY` (64 hex digits or base64 of 32 bytes), else from a key file
/// (`--key-file`, else `EASEML_KEY_FILE`). Developers who do not hold it can still run every
/// command that reveals nothing beyond a verdict.
public struct SealingKey: Sendable {
    /// The 32 key bytes (kept as `Data`, which is `Sendable`; `SymmetricKey` is built per use).
    private let bytes: Data

    init(key: SymmetricKey) { bytes = key.withUnsafeBytes { Data($0) } }

    private var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// The key that authenticates the ledger's event chain, derived from this one (HKDF).
    public var ledgerKey: LedgerKey { LedgerKey(ownerKey: bytes) }

    /// A MAC of `text` under a key derived from this one for `purpose` (verdict notes).
    public func mac(_ text: String, purpose: String) -> String {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, salt: Data("easeml-ci".utf8), info: Data(purpose.utf8), outputByteCount: 32)
        return HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: derived).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key, as the text to store in a key file or `EASEML_KEY`.
    public static func generateText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Writes a new key to `path`, readable by its owner only (mode 0600); an existing file is
    /// never overwritten.
    public static func writeNewKey(to path: String) throws(EaseMLCIError) {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .invalidOption(option: "--output", message: "\(path) exists; refusing to overwrite a key")
        }
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((generateText() + "\n").utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw .unwritableFile(path: path, reason: "cannot create it") }
    }

    /// Parses key text (hex or base64 of exactly 32 bytes); `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(SealingError) -> SealingKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = hexBytes(trimmed) { return SealingKey(key: SymmetricKey(data: bytes)) }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return SealingKey(key: SymmetricKey(data: data)) }
        throw .malformedKey(source: source)
    }

    /// The key from the environment or `keyFile`, or `nil` when none is configured.
    public static func resolve(keyFile: String?, environment: [String: String]) throws(SealingError) -> SealingKey? {
        if let text = environment["EASEML_KEY"], !text.isEmpty { return try parse(text, source: "EASEML_KEY") }
        guard let path = keyFile ?? environment["EASEML_KEY_FILE"] else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableKeyFile(path) }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    private static func hexBytes(_ text: String) -> Data? {
        var data = Data()
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = hexValue(high), let l = hexValue(low) else { return nil }
            data.append(h << 4 | l)
        }
        return data
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }

    /// Encrypts and authenticates `plaintext`, binding it to `context` (e.g. the test-set id).
    public func seal(_ plaintext: Data, context: String) throws(SealingError) -> Data {
        do {
            return try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8)).combined!
        } catch {
            throw .cryptoFailure("\(error)")
        }
    }

    /// Decrypts what `seal` produced for the same `context`; a wrong key or edited bytes fail.
    public func open(_ sealed: Data, context: String) throws(SealingError) -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8))
        } catch {
            throw .wrongKey(context: context)
        }
    }
}

/// Why sealing or unsealing failed.
public enum SealingError: Error, CustomStringConvertible, Sendable, Equatable {
    case missingKey(purpose: String)
    case malformedKey(source: String)
    case unreadableKeyFile(String)
    case wrongKey(context: String)
    case cryptoFailure(String)
    /// A key is within reach of code easeml-ci is about to run for someone else (`predict`).
    case keyReachable([String])

    public var description: String {
        switch self {
        case .missingKey(let purpose):
            return "no sealing key: \(purpose) needs the owner's key in EASEML_KEY or a key file (--key-file / EASEML_KEY_FILE); create one with `easeml-ci key generate`"
        case .malformedKey(let source):
            return "the key in \(source) is not 32 bytes of hex (64 digits) or base64"
        case .unreadableKeyFile(let path):
            return "cannot read the key file \(path)"
        case .wrongKey(let context):
            return "the sealed data of \(context) does not open with this key (wrong key, or the data was altered)"
        case .cryptoFailure(let message):
            return "encryption failed: \(message)"
        case .keyReachable(let places):
            return "a key is within reach of the commit's script: \(places.joined(separator: "; ")). `predict` runs code from the commit, which could read it (README, threat model): run it where no key is (the CI prediction job holds no secret), or pass --trusted-script for a script you wrote yourself"
        }
    }
}
