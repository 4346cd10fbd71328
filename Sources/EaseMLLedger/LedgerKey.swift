import Crypto
import Foundation

/// The key that authenticates the event chain: derived with HKDF-SHA256 from the integration
/// owner's key, so that only the owner (and the CI job acting for the owner) can extend the chain
/// with events that `verify(key:)` accepts. Whoever lacks it can still append the events of their
/// own sessions (pick, clean, improve, AutoML), unauthenticated until the next keyed event.
public struct LedgerKey: Sendable {
    private let bytes: Data

    /// Derives the chain key from the owner's 32 key bytes.
    public init(ownerKey: Data) {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: ownerKey), salt: Data("easeml-ci ledger".utf8),
            info: Data("event chain MAC v1".utf8), outputByteCount: 32)
        bytes = derived.withUnsafeBytes { Data($0) }
    }

    /// HMAC-SHA256 of `text`, in hex.
    public func mac(_ text: String) -> String {
        EventChain.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: bytes)))
    }

    /// Whether `mac` is this key's MAC of `text` (compared in constant time).
    public func verify(_ mac: String, of text: String) -> Bool {
        let expected = Array(self.mac(text).utf8)
        let given = Array(mac.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
