import CandorTestSupport
import Foundation
import Testing

@Suite("candor events")
struct EventsCLITests {
    static let log = """
        {"type":"session","schema":"candor.events/1","recording_start":"2026-11-02T14:00:00Z"}
        {"t":1.0,"type":"question","id":"q1","action":"start"}
        {"t":2.0,"type":"key","action":"down","code":"KeyA"}
        {"t":2.2,"type":"key","action":"down","code":"KeyB"}
        {"t":3.0,"type":"paste","chars":80}
        {"t":3.5,"type":"whiteboard","strokes":3}
        {"t":4.0,"type":"question","id":"q1","action":"end"}
        """

    @Test func validateAndStats() throws {
        let scratch = try ScratchFolder()
        try Data(EventsCLITests.log.utf8).write(to: scratch.url.appendingPathComponent("e.jsonl"))
        let validate = try Candor.run("events", "validate", scratch.path("e.jsonl"))
        #expect(validate.status == 0)
        #expect(validate.text.contains("valid candor.events/1, 5 event(s), 1 of unknown type(s) whiteboard ignored"))
        let stats = try Candor.run("events", "stats", scratch.path("e.jsonl"), "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: stats.stdout) as? [String: Any])
        #expect(json["key_presses"] as? Int == 2)
        #expect(json["pastes"] as? Int == 1 && json["pasted_characters"] as? Int == 80)
        #expect(json["questions"] as? Int == 1)
        #expect((json["typing_rate_per_minute"] as? Double).map { abs($0 - 600) < 1 } == true)
    }

    @Test func invalidLineExitsThreeWithItsNumber() throws {
        let scratch = try ScratchFolder()
        let text = EventsCLITests.log.replacingOccurrences(of: #""chars":80"#, with: #""chars":"many""#)
        try Data(text.utf8).write(to: scratch.url.appendingPathComponent("bad.jsonl"))
        let result = try Candor.run("events", "validate", scratch.path("bad.jsonl"))
        #expect(result.status == 3)
        #expect(result.stderr.contains("bad.jsonl' line 5: 'chars' must be a whole number"), "\(result.stderr)")
        let lenient = try Candor.run("events", "validate", scratch.path("bad.jsonl"), "--lenient-events")
        #expect(lenient.status == 0 && lenient.text.contains("1 malformed line(s) skipped"))
        // analyze refuses the log unless told to be lenient.
        let analyze = try Candor.run("analyze", Candor.sample, "--events", scratch.path("bad.jsonl"), "--quiet")
        #expect(analyze.status == 3 && analyze.stderr.contains("line 5"))
        let lenientAnalyze = try Candor.run("analyze", Candor.sample, "--events", scratch.path("bad.jsonl"), "--lenient-events",
                                            "--format", "json")
        #expect(lenientAnalyze.status == 0)
        #expect(lenientAnalyze.text.contains("1 malformed line(s) skipped"))
    }
}
