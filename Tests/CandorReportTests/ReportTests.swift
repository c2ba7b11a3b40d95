import CandorReport
import CandorTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A small fixed report for rendering tests.
func sampleReport() -> Report {
    let latency = DetectorResult(
        id: "latency", status: .flagged, score: 0.8, reason: "5 pairs, median 3.1 s",
        fields: ["median_s": .number(3.1234567), "p90_s": .number(4.2), "turns": .array([
            .object(["question_end_s": .number(2), "answer_start_s": .number(5.1), "latency_s": .number(3.1), "flagged": .bool(true)]),
        ])],
        flags: [EvidenceFlag(detector: "latency", severity: .medium, start_s: 2, end_s: 5.1, title: "Answer began 3.1 s after the question",
                             detail: "details <b>", evidence: ["latency_s": .number(3.1)]),
                EvidenceFlag(detector: "latency", severity: .high, start_s: 9, end_s: 15, title: "Answer began 6 s after", detail: "",
                             evidence: [:])])
    let voice = DetectorResult.inconclusive("voice", "only 12 s of speech")
    var timeline = Report.Timeline(turns: [.init(speaker: "interviewer", start_s: 0.5, end_s: 2), .init(speaker: "candidate", start_s: 5.1, end_s: 9)])
    timeline.keystrokesHeard_s = [10, 10.2]
    timeline.keystrokesLogged_s = [10.01]
    return Report(toolVersion: "test", input: .init(media: "x<&>.mkv", events: nil, duration_s: 20,
                                                     roles: .init(interviewer: "a:0", candidate: "a:1", mixed: nil, source: "titles", note: "n")),
                  detectors: [latency, voice], timeline: timeline, thresholds: Configuration.defaults.json)
}

@Suite("Report model and renderers")
struct ReportTests {
    @Test("overall status follows DESIGN.md")
    func overall() {
        let report = sampleReport()
        #expect(report.overall.status == "review")
        #expect(report.overall.score == 0.8)
        var clear = report
        clear.detectors["latency"]!.status = .ok
        clear.detectors["latency"]!.flags = []
        #expect(clear.overall.status == "clear")
        var nothing = report
        nothing.detectors["latency"]!.status = .skipped
        #expect(nothing.overall.status == "inconclusive")
    }

    @Test("flags sorted by severity, then time")
    func flagOrder() {
        #expect(sampleReport().flags.map(\.severity) == [.high, .medium])
    }

    /// Snapshot: deterministic JSON (sorted keys, numbers rounded to 3 places), compared with
    /// the reference file beside this test. Set CANDOR_RECORD_SNAPSHOTS=1 to rewrite it.
    @Test("JSON snapshot")
    func jsonSnapshot() throws {
        let text = sampleReport().json.canonical() + "\n"
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/report.json")
        if ProcessInfo.processInfo.environment["CANDOR_RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected)
        #expect(text.contains(#""median_s": 3.123"#))
        #expect(text.contains(#""schema": "candor.report/1""#))
    }

    @Test("HTML: self-contained, with the timeline, escaped text, a section per detector")
    func html() throws {
        let html = HTMLRenderer().render(sampleReport())
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<svg class=\"timeline\""))
        for row in ["Interviewer speech", "Candidate speech", "Answer latency", "Keys heard", "Keys logged", "Voice"] {
            #expect(html.contains(row))
        }
        #expect(html.components(separatedBy: "<rect class=\"flag ").count - 1 == 2, "one highlighted range per flag")
        #expect(html.contains("x&lt;&amp;&gt;.mkv") && !html.contains("x<&>.mkv"))
        #expect(html.contains("details &lt;b&gt;"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http") && !html.contains("@import"))
        #expect(html.contains("What it measures.") && html.contains("Thresholds in force"))
        // Well-formed enough to parse: the SVG is valid XML on its own.
        let start = try #require(html.range(of: "<svg"))
        let end = try #require(html.range(of: "</svg>"))
        let svg = String(html[start.lowerBound..<end.upperBound])
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "SVG parses: \(String(describing: parser.parserError))")
    }

    @Test("text summary without colour codes unless asked")
    func text() {
        let plain = TextRenderer(colour: false).render(sampleReport())
        #expect(plain.contains("Overall: REVIEW") && !plain.contains("\u{1B}["))
        #expect(plain.contains("HIGH") && plain.contains("0:09.0–0:15.0"))
        let coloured = TextRenderer(colour: true).render(sampleReport())
        #expect(coloured.contains("\u{1B}[31m"))
    }

    /// `--config <(echo '{…}')`: a pipe reports no size up front, and is read to its end.
    @Test("a configuration can be read from a pipe")
    func configurationFromPipe() throws {
        let path = NSTemporaryDirectory() + "candor-config-\(UUID().uuidString).fifo"
        try Tools.pipe(at: path, holding: #"{"latency":{"slow_answer_s":3}}"#)
        defer { unlink(path) }
        let loaded = try Configuration.load(path: path)
        #expect(loaded.latency.slowAnswerSeconds == 3)
    }

    @Test("configuration: subsets merge over defaults; unknown and mistyped keys are named")
    func configuration() throws {
        let merged = try Configuration.merge(.object(["latency": .object(["slow_answer_s": .number(3)])]), path: "c.json")
        #expect(merged.latency.slowAnswerSeconds == 3 && merged.latency.minimumPairs == 4)
        for (json, message) in [(#"{"latency":{"slow":1}}"#, "unknown key 'latency.slow'"), (#"{"lateness":{}}"#, "unknown key 'lateness'"),
                                (#"{"latency":{"minimum_pairs":2.5}}"#, "must be a whole number"),
                                (#"{"latency":{"slow_answer_s":-1}}"#, "must not be negative"),
                                (#"{"keyboard":{"window_gap_s":"3"}}"#, "must be a number"), ("[1]", "must hold a JSON object"),
                                (#"{"keyboard":{"onset_band_low_hz":21000}}"#, "'keyboard.onset_band_low_hz' (21000.0) must be below"),
                                (#"{"keyboard":{"onset_band_high_hz":30000}}"#, "must be at most 24000"),
                                (#"{"keyboard":{"onset_threshold_mads":0}}"#, "'keyboard.onset_threshold_mads' must be above 0"),
                                (#"{"keyboard":{"typing_context_keys":0}}"#, "'keyboard.typing_context_keys' must be at least 1"),
                                (#"{"keyboard":{"typing_context_keys":1.5}}"#, "must be a whole number"),
                                (#"{"keyboard":{"learning_context_s":-1}}"#, "'keyboard.learning_context_s' must not be negative"),
                                (#"{"keyboard":{"lone_release_cost":-1}}"#, "'keyboard.lone_release_cost' must not be negative"),
                                (#"{"keyboard":{"lone_release_context_pairs":0}}"#, "'keyboard.lone_release_context_pairs' must be at least 1"),
                                (#"{"keyboard":{"speech_transient_share":1.5}}"#, "'keyboard.speech_transient_share' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"speech_transient_minimum_count":2.5}}"#, "must be a whole number"),
                                (#"{"keyboard":{"lone_release_context_pairs":2.5}}"#, "must be a whole number"),
                                (#"{"keyboard":{"shape_model_refine_below":-0.5}}"#, "'keyboard.shape_model_refine_below' must not be negative"),
                                (#"{"keyboard":{"burst_seed_gap_s":0.1}}"#, "'keyboard.burst_seed_gap_s' must be 0 (off) or above 0.2 s"),
                                (#"{"keyboard":{"burst_seed_gap_s":-1}}"#, "'keyboard.burst_seed_gap_s' must not be negative"),
                                (#"{"keyboard":{"minimum_press_typicality":1.5}}"#, "'keyboard.minimum_press_typicality' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"lone_press_typicality":2}}"#, "'keyboard.lone_press_typicality' (2.0) must lie between 0 and 1"),
                                (#"{"keyboard":{"loud_press_share":1.5}}"#, "'keyboard.loud_press_share' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"impulsive_press_loudness":1.5}}"#, "'keyboard.impulsive_press_loudness' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"release_like_joint_share":1.5}}"#, "'keyboard.release_like_joint_share' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"faint_press_typicality":2}}"#, "'keyboard.faint_press_typicality' (2.0) must lie between 0 and 1"),
                                (#"{"keyboard":{"faint_test_share":1.5}}"#, "'keyboard.faint_test_share' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"typicality_observed_share":2}}"#, "'keyboard.typicality_observed_share' (2.0) must lie between 0 and 1"),
                                (#"{"keyboard":{"release_observed_share":1.5}}"#, "'keyboard.release_observed_share' (1.5) must lie between 0 and 1"),
                                (#"{"keyboard":{"joint_press_share":3}}"#, "'keyboard.joint_press_share' (3.0) must lie between 0 and 1"),
                                (#"{"keyboard":{"above_click_band_margin_db":-5}}"#, "'keyboard.above_click_band_margin_db' must not be negative")] {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
            let error = #expect(throws: Configuration.LoadError.self) { try Configuration.merge(value, path: "c.json") }
            #expect(error?.description.contains(message) == true, "\(json): \(String(describing: error))")
        }
    }

    @Test func canonicalNumbers() {
        #expect(JSONValue.number(1.23456).canonical() == "1.235")
        #expect(JSONValue.number(2).canonical() == "2")
        #expect(JSONValue.number(-0.0001).canonical() == "0")
        #expect(JSONValue.number(.nan).canonical() == "null")
        #expect(JSONValue.string("a\"b\n").canonical() == #""a\"b\n""#)
    }
}
