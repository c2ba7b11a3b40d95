import CandorMedia
import CandorTestSupport
import Foundation
import Testing

/// Typing recorded through Opus (as a meeting app sends it) with an event log whose clock is
/// 1.7 s behind the media, in four variants.
struct TypingCase {
    let media: String
    let log: String
    let presses: [Double]

    static func make(_ scratch: ScratchFolder, name: String, audioFrom: Double = 3, audioTo: Double = 43,
                     logged: (([Double]) -> [Double])? = nil, silentAudio: Bool = false) throws -> TypingCase {
        let mix = try TypingFixture.mix(seconds: 50, speechGain: 0, seed: 11, typingFrom: audioFrom, typingTo: audioTo)
        let wav = scratch.path("\(name).wav")
        let writer = try SoundFileWriter(path: wav, sampleRateHz: 48000)
        try writer.write(silentAudio ? [Float](repeating: 0, count: mix.samples.count) : mix.samples)
        try writer.finish()
        let media = try scratch.make("\(name).webm", ["-i", wav, "-c:a", "libopus", "-b:a", "48k"])
        let keys = logged?(mix.presses) ?? mix.presses
        var text = #"{"type":"session","schema":"candor.events/1","recording_start":"2026-11-02T14:00:00Z"}"# + "\n"
        for (index, time) in keys.enumerated() {
            let jitter = Double(index % 5 - 2) * 0.003
            text += #"{"t":\#(String(format: "%.4f", time - 1.7 + jitter)),"type":"key","action":"down"}"# + "\n"
        }
        let log = scratch.path("\(name).events.jsonl")
        try Data(text.utf8).write(to: URL(fileURLWithPath: log))
        return TypingCase(media: media, log: log, presses: mix.presses)
    }

    func analyze() throws -> [String: Any] {
        let result = try Candor.run("analyze", media, "--candidate", "a:0", "--events", log, "--format", "json", "--quiet")
        guard result.status == 0 else { throw ToolError("analyze failed: \(result.stderr)") }
        let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        return (report["detectors"] as? [String: Any])?["keyboard"] as? [String: Any] ?? [:]
    }
}

@Suite("Keyboard sound against the log", .enabled(if: TypingFixture.available, "needs bucklespring-data and pocketsphinx-testdata"))
struct KeyboardCLITests {
    @Test("honest typing through Opus: matched, clock offset within 30 ms")
    func honest() throws {
        let scratch = try ScratchFolder()
        let keyboard = try TypingCase.make(scratch, name: "honest").analyze()
        #expect(keyboard["status"] as? String == "ok", "\(keyboard["reason"] ?? "")")
        let offset = try #require(keyboard["clock_offset_s"] as? Double)
        #expect(abs(offset - 1.7) < 0.03, "clock offset \(offset)")
        let logged = try #require(keyboard["logged_keystrokes"] as? Int)
        let matched = try #require(keyboard["matched"] as? Int)
        #expect(Double(matched) >= 0.8 * Double(logged), "\(matched) of \(logged) matched")
    }

    /// What `analyze` reports (`acoustic_keystrokes_s`) while the candidate talks over the typing,
    /// through Opus at 32 kb/s: the detector's transients, with lone ones inside speech (plosive
    /// bursts) set aside. Real speech: LibriVox (16 kHz) and alsa-utils' full-band recordings.
    @Test("typing while talking, through Opus: the reported key presses", arguments: [TypingFixture.Speech.librivox, .fullBand])
    func typingWhileTalking(speech: TypingFixture.Speech) throws {
        let scratch = try ScratchFolder()
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 1, speech: speech, keyGainDB: -12...0, seed: 5)
        let writer = try SoundFileWriter(path: scratch.path("talking.wav"), sampleRateHz: 48000)
        try writer.write(mix.samples)
        try writer.finish()
        let media = try scratch.make("talking.webm", ["-i", scratch.path("talking.wav"), "-c:a", "libopus", "-b:a", "32k"])
        let result = try Candor.run("analyze", media, "--candidate", "a:0", "--format", "json", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        let keyboard = (report["detectors"] as? [String: Any])?["keyboard"] as? [String: Any] ?? [:]
        let found = try #require(keyboard["acoustic_keystrokes_s"] as? [Double])
        let score = TypingFixture.score(found, mix.presses)
        let separation = keyboard["press_release_separation"] as? Double
        print("reported keystrokes while talking (\(speech)): P \(score.precision) R \(score.recall) F1 \(score.f1) (\(mix.presses.count) presses), press/release separation \(separation ?? -1)")
        // The Model M's press and release sounds differ in shape (its release rings higher):
        // learnt from this recording even under speech through Opus (1.3 and 0.9 deviations).
        #expect(separation != nil)
        #expect(keyboard["press_release_refinements"] is Int)
        // A discriminant was learnt, so the report says from what.
        #expect(["timing", "bursts"].contains(keyboard["press_release_learnt_from"] as? String))
        // …and with one, no press is left out as release-like (that is for recordings without).
        #expect(keyboard["release_like_presses"] as? Int == 0)
        // The dwell time the keys were decoded with: this fixture holds keys 60–130 ms.
        let dwell = try #require(keyboard["dwell_s"] as? [Double])
        #expect(dwell.count == 2 && (0.06...0.13).contains(dwell[0]) && (0.015...0.04).contains(dwell[1]), "\(dwell)")
        // Full-band speech is the harder case (README): its fricatives and plosive bursts reach
        // the key band and mask presses; measured 0.86 here (0.80 by timing alone), 0.92 over
        // LibriVox.
        #expect(score.f1 >= (speech == .librivox ? 0.85 : 0.8))
    }

    /// Talk alone through a meeting app's 16 kHz voice mode (Opus at 24 kb/s): the coder makes
    /// press-and-release-like pairs of sounds now and then, and a recording that is mostly talk
    /// would teach them as its keyboard — then pass its speech for key presses. Learning from
    /// the pairs amid typing only (`learning_context_s`), and asking a press with its release
    /// inside speech for two others within a second (`typing_context_keys`), keep that down.
    @Test("talk alone through the meeting voice mode: its sounds are not learnt as a keyboard")
    func talkAlone() throws {
        let scratch = try ScratchFolder()
        let mix = try TypingFixture.mix(seconds: 90, speechGain: 1, typingFrom: 100)
        #expect(mix.presses.isEmpty)
        let writer = try SoundFileWriter(path: scratch.path("talk.wav"), sampleRateHz: 48000)
        try writer.write(mix.samples)
        try writer.finish()
        let media = try scratch.make("talk.webm", ["-i", scratch.path("talk.wav"), "-ar", "16000", "-c:a", "libopus", "-b:a", "24k"])
        func heard(_ settings: String?) throws -> Int {
            var arguments = ["analyze", media, "--candidate", "a:0", "--format", "json", "--quiet"]
            if let settings {
                let config = scratch.path(String(settings.filter(\.isLetter)) + ".json")
                try Data(#"{"keyboard": {\#(settings)}}"#.utf8).write(to: URL(fileURLWithPath: config))
                arguments += ["--config", config]
            }
            let result = try Candor.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
            let keyboard = (report["detectors"] as? [String: Any])?["keyboard"] as? [String: Any] ?? [:]
            return (keyboard["acoustic_keystrokes_s"] as? [Double])?.count ?? -1
        }
        // Measured: 8 "presses" in the 90 s; 41 learning from every pair, 20 with one other
        // pair enough (before session 22: 42). Learning from every pair is measured with the
        // dwell time's first estimate (`relearn_dwell` false): learnt again from the pairs
        // decoded, it also keeps that down (8), and with the first estimate alone the defaults
        // give as few.
        // Each safeguard is measured with the speech's own bar off (`speech_transient_share`
        // 0, session 34), which guards against the same sounds in its own way: learning from
        // every pair with it on, 10 presses (41 with it off).
        let defaults = try heard(nil)
        let everyPair = try heard(#""learning_context_s": 0, "relearn_dwell": false, "speech_transient_share": 0"#)
        let everyPairBarred = try heard(#""learning_context_s": 0, "relearn_dwell": false"#)
        let everyPairRelearnt = try heard(#""learning_context_s": 0, "speech_transient_share": 0"#)
        let firstDwell = try heard(#""relearn_dwell": false, "speech_transient_share": 0"#)
        let oneOther = try heard(#""typing_context_keys": 1, "speech_transient_share": 0"#)
        print("talk alone through the voice mode: \(defaults) presses heard (\(firstDwell) with the dwell time's first estimate); \(everyPair) learning from every pair (\(everyPairRelearnt) with the dwell time learnt again, \(everyPairBarred) with the speech's own bar), \(oneOther) with one other pair enough")
        #expect(defaults >= 0 && defaults <= 12)
        #expect(firstDwell >= 0 && firstDwell <= 12)
        #expect(everyPair >= 3 * max(defaults, 1))
        #expect(everyPairBarred < everyPair)
        #expect(everyPairRelearnt <= everyPair)
        #expect(oneOther >= defaults + 6)
    }

    @Test("logged typing with no key sound is flagged")
    func loggedNotHeard() throws {
        let scratch = try ScratchFolder()
        // The audio has typing only until 30 s; the log continues typing to 43 s.
        let all = try TypingFixture.mix(seconds: 50, speechGain: 0, seed: 11, typingFrom: 3, typingTo: 43).presses
        let cut = try TypingCase.make(scratch, name: "unheard", audioTo: 30, logged: { _ in all })
        let result = try cut.analyze()
        #expect(result["status"] as? String == "flagged", "\(result["reason"] ?? "")")
        let windows = try #require(result["windows"] as? [[String: Any]])
        #expect(windows.contains { $0["kind"] as? String == "logged_not_heard" && ($0["start_s"] as? Double ?? 0) > 29 })
    }

    @Test("typing heard but not in the log is flagged")
    func heardNotLogged() throws {
        let scratch = try ScratchFolder()
        let result = try TypingCase.make(scratch, name: "unlogged", logged: { $0.filter { $0 < 25 } }).analyze()
        #expect(result["status"] as? String == "flagged", "\(result["reason"] ?? "")")
        let windows = try #require(result["windows"] as? [[String: Any]])
        #expect(windows.contains { $0["kind"] as? String == "heard_not_logged" && ($0["start_s"] as? Double ?? 0) > 24 })
    }

    /// Typing while talking, through the meeting app's 16 kHz voice mode, with 20 s of it missing
    /// from the log: the presses heard there with their releases amid typing are evidence even
    /// inside the speech; with the whole log, no window.
    @Test("typing heard but not in the log while the candidate talks is flagged")
    func heardNotLoggedWhileTalking() throws {
        let scratch = try ScratchFolder()
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 1, keyGainDB: -12...0, seed: 5)
        let writer = try SoundFileWriter(path: scratch.path("talking.wav"), sampleRateHz: 48000)
        try writer.write(mix.samples)
        try writer.finish()
        let media = try scratch.make("talking.webm", ["-i", scratch.path("talking.wav"), "-ar", "16000", "-c:a", "libopus", "-b:a", "24k"])
        func keyboard(logged: [Double], name: String) throws -> [String: Any] {
            var text = #"{"type":"session","schema":"candor.events/1"}"# + "\n"
            for time in logged { text += #"{"t":\#(String(format: "%.4f", time + 2)),"type":"key","action":"down"}"# + "\n" }
            let log = scratch.path("\(name).events.jsonl")
            try Data(text.utf8).write(to: URL(fileURLWithPath: log))
            let result = try Candor.run("analyze", media, "--candidate", "a:0", "--events", log, "--format", "json", "--quiet")
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
            return (report["detectors"] as? [String: Any])?["keyboard"] as? [String: Any] ?? [:]
        }
        let honest = try keyboard(logged: mix.presses, name: "honest")
        #expect(honest["status"] as? String == "ok", "\(honest["reason"] ?? "")")
        let cut = try keyboard(logged: mix.presses.filter { $0 < 25 || $0 > 45 }, name: "cut")
        #expect(cut["status"] as? String == "flagged", "\(cut["reason"] ?? "")")
        let windows = try #require(cut["windows"] as? [[String: Any]])
        #expect(windows.contains { $0["kind"] as? String == "heard_not_logged" && ($0["start_s"] as? Double ?? 0) >= 24 && ($0["end_s"] as? Double ?? 0) <= 46 })
    }

    @Test("no keyboard audible anywhere is inconclusive")
    func inaudible() throws {
        let scratch = try ScratchFolder()
        let result = try TypingCase.make(scratch, name: "silent", silentAudio: true).analyze()
        #expect(result["status"] as? String == "inconclusive", "\(result["reason"] ?? "")")
    }
}
