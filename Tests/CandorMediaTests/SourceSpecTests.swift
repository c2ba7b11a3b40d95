import CandorMedia
import Testing

@Suite("SourceSpec parsing")
struct SourceSpecTests {
    @Test("a:N, a:N.C and paths", arguments: [
        ("a:0", SourceSpec.stream(0)), ("a:12", .stream(12)), ("a:1.0", .channel(stream: 1, channel: 0)),
        ("a:0.1", .channel(stream: 0, channel: 1)), ("candidate.wav", .file("candidate.wav")),
        ("./a:1", .file("./a:1")), ("/x/y.m4a", .file("/x/y.m4a")),
    ])
    func parses(text: String, expected: SourceSpec) throws {
        #expect(try SourceSpec(parsing: text) == expected)
        #expect(expected.description == text)
    }

    @Test("malformed a: specs are errors that say how to name a file", arguments: [
        "a:", "a:x", "a:-1", "a:1.", "a:.1", "a:1.2.3", "a:1.x", "a: 1", "a:9999999", "",
    ])
    func rejects(text: String) {
        do {
            let spec = try SourceSpec(parsing: text)
            Issue.record("'\(text)' was accepted as \(spec)")
        } catch {
            #expect(error.description.contains("invalid source"))
            if text.hasPrefix("a:") { #expect(error.description.contains("./\(text)")) }
        }
    }

    @Test("stream ordinal") func ordinal() {
        #expect(SourceSpec.stream(3).audioStreamOrdinal == 3)
        #expect(SourceSpec.channel(stream: 2, channel: 1).audioStreamOrdinal == 2)
        #expect(SourceSpec.file("x.wav").audioStreamOrdinal == nil)
    }
}
