import Crypto
import Foundation

/// The hash chain over the `events` table.
///
/// `hash = hex(SHA-256(prev_hash + "\n" + seq + "\n" + at + "\n" + kind + "\n" + payload))`,
/// where `seq` is written in decimal and the first event's `prev_hash` is 64 zeros. Because each
/// hash covers the previous one, editing, deleting or reordering any event changes every later
/// link, and `Ledger.verify()` finds the first bad one.
public enum EventChain {
    /// The `prev_hash` of the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of one event given the hash of the event before it.
    public static func hash(prevHash: String, seq: Int64, at: String, kind: String, payload: String) -> String {
        let text = prevHash + "\n" + String(seq) + "\n" + at + "\n" + kind + "\n" + payload
        return hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Lowercase hex of a digest.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
