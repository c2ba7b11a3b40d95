import CandorDSP
import CandorDetectors
import CandorReport
import Foundation
import Testing

/// Typing bursts: `count` presses starting at `start`, 0.15–0.35 s apart (deterministic).
func burst(start: Double, count: Int, seed: Int = 1) -> [Double] {
    var times: [Double] = []
    var t = start
    var state = UInt64(seed * 7919 + 17)
    for _ in 0..<count {
        times.append(t)
        state = state &* 6364136223846793005 &+ 1442695040888963407
        t += 0.15 + Double(state >> 44) / Double(1 << 20) * 0.2
    }
    return times
}

func heard(_ times: [Double], confidence: Double = 0.9) -> [Keystroke] {
    times.map { Keystroke(time_s: $0, confidence: confidence, strength: 10) }
}

@Suite("Keyboard detector and clock alignment")
struct KeyboardDetectorTests {
    let detector = KeyboardDetector()
    let typing = burst(start: 10, count: 60) + burst(start: 40, count: 50, seed: 2) + burst(start: 90, count: 40, seed: 3)

    @Test("honest typing: offset found within 30 ms, all matched, ok")
    func honest() throws {
        let offset = 2.317
        let logged = typing.map { $0 - offset }                  // media = log + offset
        let jittered = typing.enumerated().map { $0.element + Double($0.offset % 5 - 2) * 0.004 }
        let (result, clock) = detector.detect(heard: heard(jittered), logged: logged)
        #expect(result.status == .ok, "\(result.reason)")
        let found = try #require(clock)
        #expect(found.source == "keystrokes")
        #expect(abs(found.offset_s - offset) < 0.03, "offset \(found.offset_s)")
        #expect(result.fields["matched"]?.number == Double(typing.count))
        #expect(abs((result.fields["clock_offset_s"]?.number ?? 0) - offset) < 0.03)
    }

    @Test("offsets up to the search range, negative too", arguments: [-7.5, -0.4, 0, 4.25, 9.5])
    func offsets(offset: Double) throws {
        let (_, clock) = detector.detect(heard: heard(typing), logged: typing.map { $0 - offset })
        #expect(abs((clock?.offset_s ?? 99) - offset) < 0.01)
    }

    @Test("clock drift is estimated")
    func drift() throws {
        let long = (0..<30).flatMap { burst(start: Double($0) * 60 + 5, count: 20, seed: $0 + 5) }
        let logged = long.map { ($0 - 1.5) / (1 + 200e-6) }      // log clock runs 200 ppm slow
        let (result, clock) = detector.detect(heard: heard(long), logged: logged)
        #expect(result.fields["matched"]?.number == Double(long.count))
        #expect(abs((clock?.drift ?? 0) - 200e-6) < 20e-6, "drift \(String(describing: clock?.drift))")
    }

    @Test("logged typing that is never heard, while typing elsewhere is heard")
    func loggedNotHeard() throws {
        let injected = burst(start: 60, count: 35, seed: 9)
        let (result, _) = detector.detect(heard: heard(typing), logged: typing + injected)
        #expect(result.status == .flagged)
        let flag = try #require(result.flags.first)
        #expect(flag.evidence["kind"] == .string("logged_not_heard"))
        #expect(flag.evidence["keys"]?.number == 35)
        #expect(flag.severity == .medium)
        #expect(abs(flag.start_s - 60) < 0.05)
        #expect(result.fields["windows"]?.array?.count == 1)
    }

    @Test("typing heard but not logged, at typing cadence, outside speech")
    func heardNotLogged() throws {
        let elsewhere = burst(start: 120, count: 60, seed: 4)
        let (result, _) = detector.detect(heard: heard(typing + elsewhere), logged: typing)
        #expect(result.status == .flagged)
        let flag = try #require(result.flags.first)
        #expect(flag.evidence["kind"] == .string("heard_not_logged"))
        #expect(flag.severity == .high)
        // The same clicks inside the candidate's speech are not evidence.
        let (talking, _) = detector.detect(heard: heard(typing + elsewhere), logged: typing,
                                           speech: [SpeechSegment(start_s: 119, end_s: 140)])
        #expect(talking.status == .ok)
        // Nor are low-confidence ones.
        let (faint, _) = detector.detect(heard: heard(typing) + heard(elsewhere, confidence: 0.2), logged: typing)
        #expect(faint.status == .ok)
    }

    @Test("no keystroke audible anywhere: inconclusive, not a flag")
    func inaudible() {
        let (result, clock) = detector.detect(heard: [], logged: typing)
        #expect(result.status == .inconclusive)
        #expect(result.reason.contains("noise suppression"))
        #expect(clock?.source == "session header")
    }

    @Test("without a log the heard keystrokes are reported and the comparison skipped")
    func noLog() {
        let (result, _) = detector.detect(heard: heard(typing), logged: nil)
        #expect(result.status == .skipped)
        #expect(result.fields["acoustic_keystrokes_s"]?.array?.count == typing.count)
        #expect(result.fields["clock_offset_s"] == .null)
    }

    @Test("too few matches fall back to the session header")
    func fallback() {
        let few = burst(start: 10, count: 10)
        let (result, clock) = detector.detect(heard: heard(few), logged: few.map { $0 - 3 })
        #expect(clock?.source == "session header" && clock?.offset_s == 0)
        #expect(result.fields["clock_source"] == .string("session header"))
    }
}
