import CandorDetectors
import CandorEvents
import CandorReport
import Foundation
import Testing

/// Human-like typing: log-normal-ish intervals around 180 ms, holds around 90 ms, with codes.
func humanTyping(start: Double, count: Int, medianInterval: Double = 0.18, seed: UInt64 = 3) -> [Event] {
    var state = seed
    func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    var events: [Event] = []
    var t = start
    for index in 0..<count {
        let code = "Key\(Character(UnicodeScalar(65 + index % 26)!))"
        events.append(Event(time_s: t, kind: .key(down: true, code: code, key: nil)))
        events.append(Event(time_s: t + 0.06 + 0.07 * uniform(), kind: .key(down: false, code: code, key: nil)))
        t += medianInterval * exp(0.6 * (uniform() + uniform() + uniform() - 1.5))
    }
    return events
}

func log(_ events: [Event]) -> EventLog { EventLog(path: "t.jsonl", format: "candor.events/1", events: events) }

@Suite("Typing detector")
struct TypingDetectorTests {
    let detector = TypingDetector()

    @Test func humanTypingIsOK() {
        let result = detector.detect(log: log(humanTyping(start: 10, count: 300)))
        #expect(result.status == .ok, "\(result.flags.map(\.title))")
        #expect((result.fields["interval_cv"]?.number ?? 0) > 0.3)
    }

    @Test("scripted typing: regular intervals and constant holds")
    func scripted() {
        var events: [Event] = []
        for i in 0..<120 {
            let t = 5 + Double(i) * 0.1203
            events.append(Event(time_s: t, kind: .key(down: true, code: "KeyA", key: nil)))
            events.append(Event(time_s: t + 0.05, kind: .key(down: false, code: "KeyA", key: nil)))
        }
        let result = detector.detect(log: log(events))
        #expect(result.status == .flagged)
        #expect(result.flags.contains { $0.title.contains("Machine-regular") })
        #expect(result.flags.contains { $0.title.contains("Constant key hold") })
    }

    @Test("intervals on a 10 ms timer grid, with a finer clock, are automation")
    func timerGrid() {
        var events: [Event] = []
        var t = 3.0037
        var state: UInt64 = 9
        for _ in 0..<200 {
            events.append(Event(time_s: t, kind: .key(down: true, code: nil, key: nil)))
            state = state &* 6364136223846793005 &+ 1442695040888963407
            t += 0.01 * Double(8 + Int(state >> 60))    // 80–230 ms, always whole 10 ms ticks
        }
        let result = detector.detect(log: log(events))
        #expect(result.flags.contains { $0.title.contains("10 ms timer") }, "\(result.flags.map(\.title))")
        // The same intervals from a log whose clock only has 10 ms resolution are not evidence.
        let coarse = events.map { Event(time_s: ($0.time_s * 100).rounded() / 100, kind: $0.kind) }
        #expect(!detector.detect(log: log(coarse)).flags.contains { $0.title.contains("timer") })
    }

    @Test("a change of typist half way")
    func rhythmChange() {
        let events = humanTyping(start: 0, count: 200, medianInterval: 0.15) + humanTyping(start: 100, count: 200, medianInterval: 0.35, seed: 8)
        let result = detector.detect(log: log(events))
        #expect(result.flags.contains { $0.title.contains("rhythm changes") }, "\(result.flags.map(\.title))")
        #expect(!detector.detect(log: log(humanTyping(start: 0, count: 400))).flags.contains { $0.title.contains("rhythm") })
    }

    @Test("a large paste right after a question is medium; focus lost during a question is reported")
    func pasteAndFocus() throws {
        let events = [
            Event(time_s: 10, kind: .question(id: "q1", start: true, text: nil)),
            Event(time_s: 14, kind: .question(id: "q1", start: false, text: nil)),
            Event(time_s: 11, kind: .focus(gained: false)), Event(time_s: 13, kind: .focus(gained: true)),
            Event(time_s: 30, kind: .paste(characters: 400)), Event(time_s: 300, kind: .paste(characters: 60)),
            Event(time_s: 400, kind: .paste(characters: 5)),
        ]
        let result = detector.detect(log: log(events), mediaTime: { $0 + 2 })
        #expect(result.status == .flagged)
        let pastes = result.flags.filter { $0.title.hasPrefix("Paste") }
        #expect(pastes.count == 2)
        #expect(pastes.first { $0.evidence["characters"]?.number == 400 }?.severity == .medium)
        #expect(pastes.first { $0.evidence["characters"]?.number == 60 }?.severity == .low)
        #expect(pastes.contains { $0.start_s == 32 }, "flags are placed on the media timeline")
        #expect(result.flags.contains { $0.title.contains("Coding window left for 2 s during question q1") })
    }

    @Test func tooFewKeysIsInconclusiveAndNoLogIsSkipped() {
        #expect(detector.detect(log: log(humanTyping(start: 0, count: 20))).status == .inconclusive)
        #expect(detector.detect(log: nil).status == .skipped)
    }
}
