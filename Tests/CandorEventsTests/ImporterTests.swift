import CandorEvents
import CandorTestSupport
import Foundation
import Testing

/// Samples written from the published formats: asciicast v2/v3 (asciinema docs) and rrweb
/// (rrweb `EventType`/`IncrementalSource` enums: 3 = incremental, source 5 = Input,
/// source 2 = MouseInteraction with 5 = Focus, 6 = Blur; epoch-millisecond timestamps).
@Suite("Importers")
struct ImporterTests {
    static let castV2 = """
        {"version": 2, "width": 80, "height": 24, "timestamp": 1764000000, "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}
        [0.248, "o", "$ "]
        [1.001, "i", "l"]
        [1.150, "i", "s"]
        [1.320, "i", "\\r"]
        [1.330, "o", "main.py\\r\\n$ "]
        [2.500, "i", "def solve(xs):\\r    return sorted(xs)\\r"]
        [3.000, "i", "\\u001b[A"]
        [3.100, "r", "100x30"]
        """

    @Test func asciicastV2() throws {
        let scratch = try ScratchFolder()
        let path = try writeLog(scratch, "s.cast", ImporterTests.castV2)
        #expect(try EventLogReader.detect(path: path) == .asciicast)
        let log = try EventLogReader.read(path: path)
        #expect(log.format == "asciicast v2")
        #expect(log.keyDownTimes == [1.001, 1.150, 1.320, 3.000])
        #expect(log.events.contains { $0.kind == .paste(characters: 37) && $0.time_s == 2.5 })
        #expect(log.header.recordingStart == Date(timeIntervalSince1970: 1_764_000_000))
    }

    @Test("asciicast v3 times are intervals")
    func asciicastV3() throws {
        let scratch = try ScratchFolder()
        let text = """
            {"version": 3, "term": {"cols": 80, "rows": 24}, "timestamp": 1764000000}
            [0.5, "i", "a"]
            [0.25, "i", "b"]
            [1.0, "o", "ab"]
            [0.25, "i", "c"]
            """
        let log = try EventLogReader.read(path: try writeLog(scratch, "v3.cast", text))
        #expect(log.keyDownTimes == [0.5, 0.75, 2.0])
    }

    @Test func asciicastErrors() throws {
        let scratch = try ScratchFolder()
        let bad = try writeLog(scratch, "bad.cast", #"{"version": 2, "width": 80}"# + "\n" + #"[1.0, "i"]"# + "\n")
        let error = #expect(throws: EventLogError.self) { try EventLogReader.read(path: bad) }
        #expect(error?.line == 2)
        #expect(try EventLogReader.read(path: bad, lenient: true).skipped.count == 1)
    }

    nonisolated(unsafe) static let rrwebEvents: [[String: Any]] = [
        ["type": 4, "data": ["href": "https://interview.example/room", "width": 1280, "height": 720], "timestamp": 1_764_000_000_000],
        ["type": 2, "data": ["node": ["type": 0, "childNodes": []]], "timestamp": 1_764_000_000_010],
        ["type": 3, "data": ["source": 2, "type": 5, "id": 42], "timestamp": 1_764_000_001_000],
        ["type": 3, "data": ["source": 5, "id": 42, "text": "d", "isChecked": false], "timestamp": 1_764_000_001_500],
        ["type": 3, "data": ["source": 5, "id": 42, "text": "de", "isChecked": false], "timestamp": 1_764_000_001_700],
        ["type": 3, "data": ["source": 5, "id": 42, "text": "def", "isChecked": false], "timestamp": 1_764_000_001_850],
        ["type": 3, "data": ["source": 5, "id": 42, "text": "def solve(xs): return sorted(xs)", "isChecked": false], "timestamp": 1_764_000_003_000],
        ["type": 3, "data": ["source": 5, "id": 42, "text": "def solve(xs): return sorted(x)", "isChecked": false], "timestamp": 1_764_000_003_400],
        ["type": 3, "data": ["source": 2, "type": 6, "id": 42], "timestamp": 1_764_000_005_000],
        ["type": 3, "data": ["source": 1, "positions": [["x": 1, "y": 2, "id": 5, "timeOffset": 0]]], "timestamp": 1_764_000_005_100],
    ]

    @Test("rrweb as a JSON array and as JSON lines")
    func rrweb() throws {
        let scratch = try ScratchFolder()
        let array = String(decoding: try JSONSerialization.data(withJSONObject: ImporterTests.rrwebEvents), as: UTF8.self)
        let lines = try ImporterTests.rrwebEvents.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            .joined(separator: "\n")
        for (name, text) in [("a.json", array), ("b.jsonl", lines)] {
            let path = try writeLog(scratch, name, text)
            #expect(try EventLogReader.detect(path: path) == .rrweb)
            let log = try EventLogReader.read(path: path)
            #expect(log.format == "rrweb")
            #expect(log.keyDownTimes == [1.5, 1.7, 1.85, 3.4], "\(log.keyDownTimes)")
            #expect(log.events.contains { $0.kind == .paste(characters: 29) && $0.time_s == 3 })
            #expect(log.events.contains { $0.kind == .focus(gained: true) && $0.time_s == 1 })
            #expect(log.events.contains { $0.kind == .focus(gained: false) && $0.time_s == 5 })
        }
    }

    @Test func nativeIsDetected() throws {
        let scratch = try ScratchFolder()
        #expect(try EventLogReader.detect(path: try writeLog(scratch, "n.jsonl", NativeFormatTests.good)) == .native)
    }
}
