import CandorMedia
import CandorTestSupport
import Foundation
import Testing

@Suite("content hash")
struct ContentHashTests {
    /// FIPS 180-2's published SHA-256 test vectors.
    @Test func matchesThePublishedVectors() throws {
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(ContentHash.sha256(data: Data("abc".utf8)) == abc)
        #expect(ContentHash.sha256(data: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let scratch = try ScratchFolder()
        // The million-'a' vector (the file reader feeds it as one block; the vector checks the bytes).
        let path = scratch.path("a.bin")
        try Data(repeating: 0x61, count: 1_000_000).write(to: URL(fileURLWithPath: path))
        #expect(try ContentHash.sha256(path: path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        let small = scratch.path("abc.txt")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: small))
        #expect(try ContentHash.sha256(path: small) == abc)
        // Several 1 MiB read blocks, checked against coreutils' own implementation.
        let large = scratch.path("large.bin")
        try Data((0..<3_500_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }).write(to: URL(fileURLWithPath: large))
        if let sha256sum = Tools.which("sha256sum") {
            let reference = try Tools.run(sha256sum, [large]).text.split(separator: " ").first.map(String.init)
            #expect(try ContentHash.sha256(path: large) == reference)
        }
        #expect(throws: MediaError.self) { try ContentHash.sha256(path: scratch.path("absent")) }
    }
}
