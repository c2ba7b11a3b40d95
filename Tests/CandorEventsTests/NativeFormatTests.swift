import CandorEvents
import CandorTestSupport
import Foundation
import Testing

func writeLog(_ scratch: ScratchFolder, _ name: String, _ text: String) throws -> String {
    let path = scratch.path(name)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("candor.events/1 reader")
struct NativeFormatTests {
    static let good = """
        {"type":"session","schema":"candor.events/1","recording_start":"2026-11-02T14:00:00Z","candidate_id":"c-17","interview_id":"i-9"}
        {"t":4.0,"type":"question","id":"q1","action":"end"}
        {"t":1.0,"type":"question","id":"q1","action":"start","text":"Tell me about a bug you fixed"}
        {"t":2.0,"type":"key","action":"down","code":"KeyA","key":"a"}
        {"t":2.1,"type":"key","action":"up","code":"KeyA"}
        {"ts":"2026-11-02T14:00:05.500Z","type":"paste","chars":120}
        {"t":6,"type":"focus","state":"lost"}
        {"t":7,"type":"screen","action":"share_start"}
        {"t":8,"type":"net","ip":"203.0.113.7","tz":"Europe/Berlin","user_agent":"Mozilla/5.0","device_id":"dev-42"}
        {"t":9,"type":"mouse","x":10,"y":20}

        """

    @Test func readsEveryType() throws {
        let scratch = try ScratchFolder()
        let log = try NativeFormat.read(path: try writeLog(scratch, "a.jsonl", NativeFormatTests.good))
        #expect(log.header.candidateId == "c-17" && log.header.interviewId == "i-9")
        #expect(log.events.map(\.typeName) == ["question", "key", "key", "question", "paste", "focus", "screen", "net"])
        #expect(log.events.map(\.time_s) == log.events.map(\.time_s).sorted(), "sorted by time")
        #expect(abs(log.events[4].time_s - 5.5) < 1e-6, "ts is converted against recording_start")
        #expect(log.unknownTypes == ["mouse": 1])
        #expect(log.keyDownTimes == [2.0])
        #expect(log.questions.count == 1 && log.questions[0].start_s == 1 && log.questions[0].end_s == 4)
        #expect(log.networkIdentifiers.map { "\($0.kind)=\($0.value)" }
                == ["ip=203.0.113.7", "device_id=dev-42", "user_agent=Mozilla/5.0", "tz=Europe/Berlin"])
        let stats = EventStatistics(log)
        #expect(stats.pastes == 1 && stats.pastedCharacters == 120 && stats.keyPresses == 1)
    }

    @Test("malformed lines are errors with their line number", arguments: [
        (#"{"t":1,"type":"key","action":"press"}"#, "'action' must be 'down' or 'up', not 'press'"),
        (#"{"t":-3,"type":"key","action":"down"}"#, "'t' is negative"),
        (#"{"t":"soon","type":"key","action":"down"}"#, "'t' must be a number"),
        (#"{"t":1e9,"type":"key","action":"down"}"#, "more than 48 hours"),
        (#"{"type":"key","action":"down"}"#, "neither 't'"),
        (#"{"t":1,"action":"down"}"#, "'type' is missing"),
        (#"{"t":1,"type":"paste","chars":-4}"#, "'chars' must be a whole number"),
        (#"{"t":1,"type":"paste","chars":true}"#, "'chars' must be a whole number"),
        (#"{"t":1,"type":"focus","state":"away"}"#, "'state' must be 'lost' or 'gained'"),
        (#"{"t":1,"type":"question","action":"start"}"#, "'id' is missing"),
        (#"{"t":1,"type":"net"}"#, "'ip' is missing"),
        (#"{"ts":"yesterday","type":"key","action":"down"}"#, "not an ISO 8601 time"),
        (#"[1,2,3]"#, "not a JSON object"),
        (#"{"t":1,"type":"key","action":"down""#, "invalid JSON"),
        ("\u{0}\u{1}binary", "not a JSON object"),
    ])
    func malformed(line: String, message: String) throws {
        let scratch = try ScratchFolder()
        let path = try writeLog(scratch, "bad.jsonl", #"{"t":0.5,"type":"key","action":"down"}"# + "\n" + line + "\n")
        let error = #expect(throws: EventLogError.self) { try NativeFormat.read(path: path) }
        #expect(error?.line == 2)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        // Lenient reading skips the line and counts it.
        let lenient = try NativeFormat.read(path: path, lenient: true)
        #expect(lenient.events.count == 1 && lenient.skipped.count == 1)
    }

    @Test("a question whose start precedes the log still counts")
    func questionEndWithoutStart() {
        let log = EventLog(path: "q", format: "candor.events/1", events: [
            Event(time_s: 1.5, kind: .question(id: "q1", start: false, text: nil)),
            Event(time_s: 10, kind: .question(id: "q2", start: true, text: nil)),
            Event(time_s: 12, kind: .question(id: "q2", start: false, text: nil)),
        ])
        #expect(log.questions.map(\.id) == ["q1", "q2"])
        #expect(log.questions[0].start_s == 1.5 && log.questions[0].end_s == 1.5)
    }

    @Test func headerMustComeFirst() throws {
        let scratch = try ScratchFolder()
        let path = try writeLog(scratch, "h.jsonl", #"{"t":1,"type":"key","action":"down"}"# + "\n" + #"{"type":"session","schema":"candor.events/1"}"# + "\n")
        let error = #expect(throws: EventLogError.self) { try NativeFormat.read(path: path) }
        #expect(error?.description.contains("first line") == true)
    }

    @Test func emptyMissingAndDirectory() throws {
        let scratch = try ScratchFolder()
        #expect(throws: EventLogError.self) { try NativeFormat.read(path: try writeLog(scratch, "e.jsonl", "\n\n")) }
        #expect(throws: EventLogError.self) { try NativeFormat.read(path: scratch.path("missing.jsonl")) }
        #expect(throws: EventLogError.self) { try NativeFormat.read(path: scratch.url.path) }
    }

    @Test("a line over 1 MB is refused by number without reading it into memory whole")
    func longLine() throws {
        let scratch = try ScratchFolder()
        let huge = #"{"t":1,"type":"net","ip":""# + String(repeating: "9", count: 1_200_000) + #""}"#
        let path = try writeLog(scratch, "long.jsonl", #"{"t":0,"type":"key","action":"down"}"# + "\n" + huge + "\n" + #"{"t":2,"type":"key","action":"down"}"# + "\n")
        let error = #expect(throws: EventLogError.self) { try NativeFormat.read(path: path) }
        #expect(error?.line == 2 && error?.description.contains("1 MB") == true)
        #expect(try NativeFormat.read(path: path, lenient: true).events.count == 2)
    }

    @Test("hundreds of thousands of events")
    func manyEvents() throws {
        let scratch = try ScratchFolder()
        var text = ""
        text.reserveCapacity(40_000_000)
        for i in 0..<300_000 { text += #"{"t":\#(Double(i) * 0.01),"type":"key","action":"\#(i % 2 == 0 ? "down" : "up")"}"# + "\n" }
        let log = try NativeFormat.read(path: try writeLog(scratch, "big.jsonl", text))
        #expect(log.events.count == 300_000)
        #expect(log.keyDownTimes.count == 150_000)
    }

    /// Thousands of mutated logs — truncations, wrong types, binary garbage, deep nesting —
    /// never crash or hang: each is read or refused with a message.
    @Test("randomized mutations never crash")
    func fuzz() throws {
        let scratch = try ScratchFolder()
        var generator = SeededGenerator(seed: 20261129)
        let base = Array(NativeFormatTests.good.utf8)
        let garbage: [[UInt8]] = [Array("null".utf8), Array("{}".utf8), Array("[[[[[[[[[[".utf8), [0xFF, 0xFE, 0x00],
                                  Array(String(repeating: "[", count: 5000).utf8), Array(#"{"t":{"t":{"t":1}}}"#.utf8),
                                  Array("\"".utf8), Array("1e999".utf8), Array(#"{"t":NaN}"#.utf8)]
        let path = scratch.path("fuzz.jsonl")
        var accepted = 0, refused = 0
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                case 2: bytes.insert(contentsOf: garbage.randomElement(using: &generator)!, at: Int.random(in: 0...bytes.count, using: &generator))
                case 3 where bytes.count > 10:
                    let start = Int.random(in: 0..<(bytes.count - 5), using: &generator)
                    bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...40, using: &generator)))
                default: bytes.append(contentsOf: Array("\n{\"t\":1,\"type\":\"key\",\"action\":\"up\"}".utf8))
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try NativeFormat.read(path: path)
                accepted += 1
            } catch let error as EventLogError {
                #expect(!error.description.isEmpty)
                refused += 1
            }
            _ = try? NativeFormat.read(path: path, lenient: true)
        }
        #expect(accepted + refused == 3000)
        #expect(accepted > 0 && refused > 0)
    }
}

/// Deterministic xorshift generator for reproducible fuzzing.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 1 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
