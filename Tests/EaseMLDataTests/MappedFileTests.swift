import EaseMLData
import EaseMLTestSupport
import Foundation
import Testing

/// Pages given back are read from the file again when touched: the bytes stay the file's.
@Test func mappedFileBytesSurviveReleasingThePagesPassed() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("data.bin").path
    let contents = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    try Data(contents).write(to: URL(fileURLWithPath: path))
    let mapped = try #require(MappedFile.open(path))
    #expect(Array(mapped.bytes) == contents)
    mapped.release(before: 100_000)
    mapped.release(before: 50_000)
    mapped.release(before: 1 << 40)
    #expect(Array(mapped.bytes) == contents)
    try Data().write(to: URL(fileURLWithPath: folder.appendingPathComponent("empty").path))
    #expect(try #require(MappedFile.open(folder.appendingPathComponent("empty").path)).bytes.isEmpty)
    #expect(MappedFile.open(folder.appendingPathComponent("absent").path) == nil)
    #expect(MappedFile.open(folder.path) == nil)
    #expect(MappedFile.open("/dev/null") == nil)
}
