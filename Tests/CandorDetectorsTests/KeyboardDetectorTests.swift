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
        // The same clicks inside the candidate's speech are not evidence…
        let talk = [SpeechSegment(start_s: 119, end_s: 140)]
        let (talking, _) = detector.detect(heard: heard(typing + elsewhere), logged: typing, speech: talk)
        #expect(talking.status == .ok)
        // …unless heard with their releases amid typing: people type while they talk.
        let withReleases = (typing + elsewhere).map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
        let (typingWhileTalking, _) = detector.detect(heard: withReleases, logged: typing, speech: talk)
        #expect(typingWhileTalking.status == .flagged)
        #expect(typingWhileTalking.flags.first?.evidence["kind"] == .string("heard_not_logged"))
        var strict = Configuration.Keyboard()
        strict.unloggedPairedInSpeech = false
        let (outsideOnly, _) = KeyboardDetector(settings: strict).detect(heard: withReleases, logged: typing, speech: talk)
        #expect(outsideOnly.status == .ok)
        // Nor are low-confidence ones.
        let (faint, _) = detector.detect(heard: heard(typing) + heard(elsewhere, confidence: 0.2), logged: typing)
        #expect(faint.status == .ok)
    }

    /// Enough keys heard to align the clocks, but fewer than half of those logged outside the
    /// silent stretch: the stretch proves nothing, and the reason says which bar was missed.
    @Test("most logged keys inaudible elsewhere too: a silent stretch is inconclusive, saying why")
    func mostlyInaudible() {
        let injected = burst(start: 60, count: 35, seed: 9)
        let everyThird = typing.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let (result, _) = detector.detect(heard: heard(everyThird), logged: typing + injected)
        #expect(result.status == .inconclusive)
        #expect(result.reason.contains("only \(everyThird.count) of the \(typing.count) logged keystrokes outside the silent stretches (33%) are audible, less than the 50% needed"), "\(result.reason)")
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

    /// Inside the candidate's speech a lone transient (no release heard) is a plosive, not a
    /// key, and so is an isolated "pair" with no typing around it, or two such within a second
    /// (speech through a voice codec makes them by chance); presses with their release in a
    /// burst of typing are kept, and so is everything outside speech.
    @Test("inside speech only transients with a release heard, amid typing, count as key presses")
    func loneTransientsInSpeech() throws {
        let typingOutside = burst(start: 5, count: 30, seed: 4)                  // 5–13 s, releases heard
        let pairedInSpeech = burst(start: 21, count: 12, seed: 5)                 // typing while talking
        let plosives = stride(from: 20.37, to: 29, by: 0.61).map { $0 }           // lone, in speech
        let lateLone = [31.5]                                                     // lone, 1.5 s after speech
        let isolatedPair = [28.2]  // two speech sounds a dwell time apart, no typing around
        let twoPairs = [26.4, 26.9]  // two of those within a second of each other, no more
        let transients = (typingOutside + pairedInSpeech + isolatedPair + twoPairs).map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
            + (plosives + lateLone).map { Keystroke(time_s: $0, confidence: 0.9, strength: 10) }
        let speech = [SpeechSegment(start_s: 20, end_s: 30)]
        let (result, _) = detector.detect(heard: transients.sorted { $0.time_s < $1.time_s }, logged: nil, speech: speech,
                                          pressReleaseSeparation: 2.25, pressReleaseRefinements: 3, pressReleaseSource: "bursts",
                                          releaseLikePresses: 4, dwell: (0.096, 0.024))
        #expect(result.fields["release_like_presses"] == .number(4))
        #expect(result.fields["dwell_s"] == .array([.number(0.096), .number(0.024)]))
        #expect(result.fields["press_release_separation"] == .number(2.25))
        #expect(result.fields["press_release_refinements"] == .number(3))
        #expect(result.fields["press_release_learnt_from"] == .string("bursts"))
        let kept = Set((result.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number))
        #expect(kept == Set(typingOutside + pairedInSpeech + lateLone))
        #expect(result.fields["lone_transients_in_speech"]?.number == Double(plosives.count + isolatedPair.count + twoPairs.count))

        var anyOther = Configuration.Keyboard()
        anyOther.typingContextKeys = 1
        let (lenient, _) = KeyboardDetector(settings: anyOther).detect(heard: transients.sorted { $0.time_s < $1.time_s }, logged: nil, speech: speech)
        #expect(Set((lenient.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number)) == Set(typingOutside + pairedInSpeech + lateLone + twoPairs))

        var off = Configuration.Keyboard()
        off.requireReleaseInSpeech = false
        let (all, _) = KeyboardDetector(settings: off).detect(heard: transients, logged: nil, speech: speech)
        #expect(all.fields["acoustic_keystrokes_s"]?.array?.count == transients.count)
    }

    /// A keyboard whose releases are not heard (quiet laptop keys, or suppressed by the meeting
    /// app): most presses outside speech are lone too, so lone presses in speech are kept.
    @Test("a keyboard with silent releases keeps its lone presses in speech")
    func silentReleases() throws {
        let outside = burst(start: 5, count: 30, seed: 6), inside = burst(start: 21, count: 12, seed: 7)
        let (result, _) = detector.detect(heard: heard(outside + inside), logged: nil, speech: [SpeechSegment(start_s: 20, end_s: 30)])
        #expect(result.fields["acoustic_keystrokes_s"]?.array?.count == outside.count + inside.count)
        #expect(result.fields["releases_heard_outside_speech"]?.number == 0)
        #expect(result.fields["press_release_separation"] == .null)
        #expect(result.fields["press_release_refinements"] == .number(0))
        #expect(result.fields["press_release_learnt_from"] == .null)
        #expect(result.fields["release_like_presses"] == .number(0))
        #expect(result.fields["dwell_s"] == .null)
        #expect(result.fields["presses_outside_speech"]?.number == Double(outside.count))
    }

    /// Typing heard with releases outside speech (from 5 s) and three presses with their releases
    /// inside the speech (20–30 s, at 21.0, 21.15 and 21.3 s), plus `lone` presses inside the
    /// speech: what `settings` keeps, and that typing (which is always kept).
    func inSpeech(_ lone: [Keystroke], settings: Configuration.Keyboard = .init())
        -> (result: DetectorResult, found: Set<Double>, typing: Set<Double>) {
        let typing = burst(start: 5, count: 30, seed: 4) + [21.0, 21.15, 21.3]
        let transients = typing.map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) } + lone
        let (result, _) = KeyboardDetector(settings: settings).detect(heard: transients.sorted { $0.time_s < $1.time_s }, logged: nil,
                                                                      speech: [SpeechSegment(start_s: 20, end_s: 30)])
        return (result, Set((result.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number)), Set(typing))
    }

    /// Two speech sounds a dwell time apart make a pair-like sound now and then; inside speech a
    /// lone press's typing around it starts only from a pair credible as a key (outside speech,
    /// amid typing, or passing a lone-press test itself), not from any.
    @Test("inside speech a lone press needs a pair credible as a key around it, not any pair-like sound")
    func testedContextPairs() throws {
        func sound(_ t: Double, paired: Bool, typicality: Double, loudness: Double) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, releaseHeard: paired, typicality: typicality, loudness: loudness)
        }
        let speechPair = sound(25.0, paired: true, typicality: 0.01, loudness: 0.1)   // two speech sounds, most likely
        let besideIt = sound(25.4, paired: false, typicality: 0.6, loudness: 0.5)
        let keyPair = sound(27.0, paired: true, typicality: 0.6, loudness: 0.5)       // sounds like a key on its own
        let besideThat = sound(27.4, paired: false, typicality: 0.6, loudness: 0.5)
        let sounds = [speechPair, besideIt, keyPair, besideThat]
        let (result, found, typing) = inSpeech(sounds)
        #expect(found == typing.union([27.0, 27.4]))
        #expect(result.fields["lone_transients_in_speech"]?.number == 2)

        var any = Configuration.Keyboard()
        any.testedContextPairs = false
        let lenient = inSpeech(sounds, settings: any)
        #expect(lenient.found == typing.union([25.4, 27.0, 27.4]))
    }

    /// Keys whose releases are much quieter than their presses lose their releases under speech;
    /// such a press still counts when its release would have been masked anyway, other typing is
    /// heard around it, and it sounds like this keyboard's presses.
    @Test("inside speech a press whose release would have been masked counts if typical and amid typing")
    func maskedReleaseInSpeech() throws {
        func press(_ t: Double, masked: Bool, typicality: Double?) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, releaseMasked: masked, typicality: typicality)
        }
        let kept = press(21.6, masked: true, typicality: 0.4)
        let atypical = press(21.9, masked: true, typicality: 0.01)  // a speech sound, most likely
        // Its release should have been heard, and it is only somewhat typical (between the
        // masked-release bar, 0.05, and the lone-press bar, 0.25).
        let audible = press(22.2, masked: false, typicality: 0.15)
        let alone = press(27.0, masked: true, typicality: 0.5)      // no typing within 1 s
        let lone = [kept, atypical, audible, alone]
        let (result, found, typing) = inSpeech(lone)
        #expect(found == typing.union([21.6]))
        #expect(result.fields["presses_in_speech_release_masked"]?.number == 1)
        #expect(result.fields["presses_in_speech_typical"]?.number == 0)

        var off = Configuration.Keyboard()
        off.minimumPressTypicality = 1
        off.lonePressTypicality = 1  // (0.4 would count as typical on its own)
        #expect(inSpeech(lone, settings: off).found == typing)
    }

    /// Speech masks releases that should have been heard too (it raises the onset threshold a
    /// release must pass); a lone press in speech that sounds much like this keyboard's presses
    /// counts amid typing whatever its release would have sounded like — speech's own transients
    /// are seldom that typical of a keyboard's presses.
    /// An interview is mostly talk: the lone transients inside speech far from any press kept
    /// are the speech's own sounds, and a lone press inside speech kept by a rule must be more
    /// key-like (typicality × loudness × impulsiveness) than 95 % of them.
    @Test("inside speech a lone press must be more key-like than the speech's own transients away from typing")
    func speechTransientBar() throws {
        func sound(_ t: Double, paired: Bool = false, typicality: Double, loudness: Double, impulsiveness: Double) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, releaseHeard: paired, typicality: typicality, loudness: loudness,
                      impulsiveness: impulsiveness)
        }
        let typing = [50.0, 50.2, 50.4].map { sound($0, paired: true, typicality: 0.5, loudness: 0.5, impulsiveness: 0.8) }
        let keyLike = sound(50.6, typicality: 0.6, loudness: 0.5, impulsiveness: 0.8)
        // Typical enough for the typicality rule (0.25), but as quiet and spread out as speech's sounds.
        let speechLike = sound(50.8, typicality: 0.3, loudness: 0.02, impulsiveness: 0.4)
        // The talk before and after the typing: 24 lone transients, none within 3 s of a press.
        let talk = stride(from: 21.0, through: 45, by: 2).map { $0 } + stride(from: 57.0, through: 77, by: 2).map { $0 }
        let own = talk.enumerated().map { i, t in
            sound(t, typicality: 0.05 + 0.25 * Double(i % 5) / 4, loudness: 0.1 * Double(i % 3) / 2, impulsiveness: 0.3 + 0.3 * Double(i % 4) / 3)
        }
        func run(_ settings: Configuration.Keyboard = .init()) -> (result: DetectorResult, found: Set<Double>) {
            let transients = (typing + [keyLike, speechLike] + own).sorted { $0.time_s < $1.time_s }
            let (result, _) = KeyboardDetector(settings: settings).detect(heard: transients, logged: nil,
                                                                          speech: [SpeechSegment(start_s: 20, end_s: 80)])
            return (result, Set((result.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number)))
        }
        let barred = run()
        #expect(barred.found == [50.0, 50.2, 50.4, 50.6])
        #expect(barred.result.fields["speech_transients_away_from_typing"]?.number == 24)
        #expect(barred.result.fields["presses_in_speech_speech_like"]?.number == 1)
        #expect(barred.result.fields["presses_in_speech_typical"]?.number == 1)
        let bar = try #require(barred.result.fields["speech_transient_bar"]?.number)
        #expect(bar > 0.3 * 0.02 * 0.4 && bar < 0.6 * 0.5 * 0.8)

        var off = Configuration.Keyboard()
        off.speechTransientShare = 0
        let unbarred = run(off)
        #expect(unbarred.found == [50.0, 50.2, 50.4, 50.6, 50.8])
        #expect(unbarred.result.fields["presses_in_speech_typical"]?.number == 2)
        #expect(unbarred.result.fields["speech_transient_bar"] == .null)

        var few = Configuration.Keyboard()
        few.speechTransientMinimumCount = 25  // one more than the talk has
        let tooFew = run(few)
        #expect(tooFew.found == unbarred.found)
        #expect(tooFew.result.fields["speech_transients_away_from_typing"]?.number == 24)
        #expect(tooFew.result.fields["presses_in_speech_speech_like"]?.number == 0)
    }

    @Test("inside speech a lone press counts if highly typical of this keyboard and amid typing")
    func typicalLonePressInSpeech() throws {
        func press(_ t: Double, typicality: Double?) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, typicality: typicality)
        }
        let typical = press(21.6, typicality: 0.6)
        let atTheBar = press(21.9, typicality: 0.25)
        let somewhat = press(22.1, typicality: 0.2)    // below the bar: a speech sound, as likely
        let noModel = press(21.75, typicality: nil)    // too few presses heard to tell
        let alone = press(27.0, typicality: 0.9)       // no typing within 1 s
        let lone = [typical, atTheBar, somewhat, noModel, alone]
        let (result, found, typing) = inSpeech(lone)
        #expect(found == typing.union([21.6, 21.9]))
        #expect(result.fields["presses_in_speech_typical"]?.number == 2)
        #expect(result.fields["lone_transients_in_speech"]?.number == 3)

        var off = Configuration.Keyboard()
        off.lonePressTypicality = 1
        let strict = inSpeech(lone, settings: off)
        #expect(strict.found == typing)
        #expect(strict.result.fields["presses_in_speech_typical"]?.number == 0)
    }

    /// Speech's lone transients add far less power in the key band than key presses: a lone press
    /// in speech as loud as this keyboard's median press counts amid typing if it sounds at all
    /// like its presses (the masked-release bar, 0.05), however its release would have sounded.
    @Test("inside speech a lone press counts if as loud as this keyboard's presses, somewhat typical and amid typing")
    func loudLonePressInSpeech() throws {
        func press(_ t: Double, typicality: Double?, loudness: Double?) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, typicality: typicality, loudness: loudness)
        }
        let loud = press(21.6, typicality: 0.1, loudness: 0.7)
        let atTheBar = press(21.9, typicality: 0.05, loudness: 0.5)
        let quiet = press(22.1, typicality: 0.1, loudness: 0.2)        // a speech sound, as likely
        let unlike = press(22.3, typicality: 0.01, loudness: 0.9)      // loud, but nothing like a press
        let noModel = press(21.75, typicality: 0.1, loudness: nil)     // too few presses heard to tell
        let alone = press(27.0, typicality: 0.1, loudness: 0.9)        // no typing within 1 s
        let lone = [loud, atTheBar, quiet, unlike, noModel, alone]
        var rule = Configuration.Keyboard()
        rule.jointPressShare = 1  // this rule alone: some of these pass the joint test too
        let (result, found, typing) = inSpeech(lone, settings: rule)
        #expect(found == typing.union([21.6, 21.9]))
        #expect(result.fields["presses_in_speech_loud"]?.number == 2)
        #expect(result.fields["presses_in_speech_typical"]?.number == 0)
        #expect(result.fields["lone_transients_in_speech"]?.number == 4)

        var off = rule
        off.loudPressShare = 1
        let strict = inSpeech(lone, settings: off)
        #expect(strict.found == typing)
        #expect(strict.result.fields["presses_in_speech_loud"]?.number == 0)
    }

    /// A quiet press under speech is often middling on both typicality and loudness, each below
    /// its own rule's bar; speech's lone transients are low on both. Taken together (Fisher's
    /// combination, ``PressTemplate/jointShare(_:_:)``) a lone press amid typing counts when it
    /// is no less likely of this keyboard's presses than `joint_press_share`.
    @Test("inside speech a lone press counts if typical and loud enough taken together, amid typing")
    func jointLonePressInSpeech() throws {
        func press(_ t: Double, typicality: Double?, loudness: Double?) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, typicality: typicality, loudness: loudness, impulsiveness: 0.3)
        }
        let middling = press(21.6, typicality: 0.2, loudness: 0.2)     // joint share 0.17
        let skewed = press(21.9, typicality: 0.03, loudness: 0.3)      // 0.051: just over the bar
        let low = press(22.1, typicality: 0.01, loudness: 0.1)         // 0.008: a speech sound, as likely
        let noModel = press(21.75, typicality: 0.2, loudness: nil)     // too few presses heard to tell
        let alone = press(27.0, typicality: 0.2, loudness: 0.4)        // no typing within 1 s
        let lone = [middling, skewed, low, noModel, alone]
        let (result, found, typing) = inSpeech(lone)
        #expect(found == typing.union([21.6, 21.9]))
        #expect(result.fields["presses_in_speech_joint"]?.number == 2)
        #expect(result.fields["presses_in_speech_typical"]?.number == 0)
        #expect(result.fields["presses_in_speech_loud"]?.number == 0)
        #expect(result.fields["lone_transients_in_speech"]?.number == 3)

        var off = Configuration.Keyboard()
        off.jointPressShare = 1
        let strict = inSpeech(lone, settings: off)
        #expect(strict.found == typing)
        #expect(strict.result.fields["presses_in_speech_joint"]?.number == 0)
    }

    /// A key's impact delivers its energy at once; speech's sounds spread theirs. A lone press in
    /// speech whose energy mostly arrives within 2 ms counts amid typing, unless it is quieter than
    /// nearly all of this keyboard's presses — whatever its shape.
    @Test("inside speech a lone press counts if impulsive, not among the quietest and amid typing")
    func impulsiveLonePressInSpeech() throws {
        func press(_ t: Double, impulsiveness: Double?, loudness: Double?) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, typicality: 0.01, loudness: loudness, impulsiveness: impulsiveness)
        }
        let impulsive = press(21.6, impulsiveness: 0.85, loudness: 0.1)
        let atTheBars = press(21.9, impulsiveness: 0.7, loudness: 0.05)
        let spread = press(22.1, impulsiveness: 0.5, loudness: 0.9)      // loud (too atypical to count as such), but spread
        let quietest = press(22.3, impulsiveness: 0.9, loudness: 0.01)   // quieter than 99 % of the presses
        let unmeasured = press(21.75, impulsiveness: nil, loudness: 0.5) // the audio ended
        let noModel = press(22.45, impulsiveness: 0.9, loudness: nil)    // too few presses heard to tell
        let alone = press(27.0, impulsiveness: 0.9, loudness: 0.5)       // no typing within 1 s
        let lone = [impulsive, atTheBars, spread, quietest, unmeasured, noModel, alone]
        var rule = Configuration.Keyboard()
        rule.jointPressShare = 1  // this rule alone: some of these pass the joint test too
        let (result, found, typing) = inSpeech(lone, settings: rule)
        #expect(found == typing.union([21.6, 21.9]))
        #expect(result.fields["presses_in_speech_impulsive"]?.number == 2)
        #expect(result.fields["lone_transients_in_speech"]?.number == 5)

        var off = rule
        off.impulsivePressShare = 1
        let strict = inSpeech(lone, settings: off)
        #expect(strict.found == typing)
        #expect(strict.result.fields["presses_in_speech_impulsive"]?.number == 0)
    }

    /// The impulsive rule's typing around is any press kept within 1 s — also one kept by
    /// another rule, with no release heard (through a lossy codec few presses under speech keep
    /// theirs) — but not a press that was itself set aside.
    @Test("inside speech an impulsive lone press counts amid presses kept without their releases")
    func impulsivePressAmidLoneKeptPresses() throws {
        let speech = [SpeechSegment(start_s: 40, end_s: 60)]
        let typing = burst(start: 5, count: 30, seed: 4).map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
        // Three presses heard with their releases at 43.5, 43.9 and 44.3 s; a lone press typical
        // of this keyboard at 45.0 s (kept by the typical-press rule, amid them) and an impulsive
        // one at 45.8 s — 1.5 s from the last press heard with its release, 0.8 s from the
        // typical one; at 50 s an impulsive one next to a set-aside speech sound only.
        let paired = [43.5, 43.9, 44.3].map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
        let typical = Keystroke(time_s: 45.0, confidence: 0.9, strength: 10, typicality: 0.6, loudness: 0.3, impulsiveness: 0.3)
        let impulsive = Keystroke(time_s: 45.8, confidence: 0.9, strength: 10, typicality: 0.01, loudness: 0.3, impulsiveness: 0.9)
        let speechSound = Keystroke(time_s: 50.0, confidence: 0.9, strength: 10, typicality: 0.01, loudness: 0.01, impulsiveness: 0.3)
        let isolated = Keystroke(time_s: 50.4, confidence: 0.9, strength: 10, typicality: 0.01, loudness: 0.3, impulsiveness: 0.9)
        let transients = (typing + paired + [typical, impulsive, speechSound, isolated]).sorted { $0.time_s < $1.time_s }
        let (result, _) = KeyboardDetector().detect(heard: transients, logged: nil, speech: speech)
        let found = Set((result.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number))
        #expect(found == Set(typing.map(\.time_s)).union([43.5, 43.9, 44.3, 45.0, 45.8]))
        #expect(result.fields["presses_in_speech_typical"]?.number == 1)
        #expect(result.fields["presses_in_speech_impulsive"]?.number == 1)
    }

    /// Typing while talking through a lossy codec: for seconds no press keeps its release, and a
    /// lone press's typing around is the presses kept by the rules themselves — a run of them
    /// carries on from a press heard with its release; one that starts nowhere is not kept.
    @Test("inside speech lone presses count amid presses kept by the rules, from a press heard with its release")
    func lonePressesAmidKeptPresses() throws {
        let speech = [SpeechSegment(start_s: 40, end_s: 60)]
        let typing = burst(start: 5, count: 30, seed: 4).map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
        func lone(_ t: Double, typicality: Double, loudness: Double = 0.3, masked: Bool = false) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, releaseMasked: masked, typicality: typicality, loudness: loudness, impulsiveness: 0.3)
        }
        // Presses heard with their releases at 43.5, 43.9 and 44.3 s, then lone presses 0.8 s apart —
        // typical ones, one whose release would have been masked, a loud one —, all but the
        // first more than 1 s from 44.3. From 52 s two typical lone presses 0.6 s apart and no
        // other press near.
        let paired = [43.5, 43.9, 44.3].map { Keystroke(time_s: $0, confidence: 0.9, strength: 10, releaseHeard: true) }
        let run = [lone(45.0, typicality: 0.6), lone(45.8, typicality: 0.5), lone(46.6, typicality: 0.1, masked: true),
                   lone(47.4, typicality: 0.1, loudness: 0.7), lone(48.2, typicality: 0.4)]
        let unanchored = [lone(52.0, typicality: 0.6), lone(52.6, typicality: 0.6)]
        let transients = (typing + paired + run + unanchored).sorted { $0.time_s < $1.time_s }
        let (result, _) = KeyboardDetector().detect(heard: transients, logged: nil, speech: speech)
        let found = Set((result.fields["acoustic_keystrokes_s"]?.array ?? []).compactMap(\.number))
        #expect(found == Set(typing.map(\.time_s)).union([43.5, 43.9, 44.3]).union(run.map(\.time_s)))
        #expect(result.fields["presses_in_speech_typical"]?.number == 3)
        #expect(result.fields["presses_in_speech_release_masked"]?.number == 1)
        #expect(result.fields["presses_in_speech_loud"]?.number == 1)
        #expect(result.fields["lone_transients_in_speech"]?.number == 2)
    }

    /// A press heard only as landing on another key's release (fast typing) has, for its own
    /// release, only a release-shaped sound a dwell time later; inside speech that is as likely
    /// a speech sound, so there it counts only as a lone press would. Outside speech it counts.
    @Test("inside speech a press landing on a release counts only as a lone press")
    func pressOnReleaseInSpeech() throws {
        func onRelease(_ t: Double, typicality: Double) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.9, strength: 10, releaseHeard: true, typicality: typicality, loudness: 0.3,
                      impulsiveness: 0.3, pressedOnRelease: true)
        }
        let atypical = onRelease(21.6, typicality: 0.01)  // most likely a release and a speech sound
        let typical = onRelease(22.2, typicality: 0.6)    // sounds like this keyboard's presses
        let (result, found, typing) = inSpeech([atypical, typical])
        #expect(found == typing.union([22.2]))
        #expect(result.fields["presses_in_speech_typical"]?.number == 1)

        let quiet = [Keystroke(time_s: 2, confidence: 0.9, strength: 10, releaseHeard: true),
                     onRelease(2.1, typicality: 0.01), Keystroke(time_s: 2.4, confidence: 0.9, strength: 10, releaseHeard: true)]
        let (outside, _) = KeyboardDetector().detect(heard: quiet, logged: nil, speech: [SpeechSegment(start_s: 20, end_s: 30)])
        #expect(outside.fields["acoustic_keystrokes_s"]?.array?.count == 3)
    }

    /// A faint press (its onset below the detection threshold, reported by the key-press detector
    /// because it sounds like this keyboard's presses on its own) has no release heard: inside
    /// speech it goes through the lone-press rules like any other. Those reported are counted.
    @Test("a faint press goes through the lone-press rules inside speech and is counted when kept")
    func faintPresses() throws {
        func faint(_ t: Double, typicality: Double) -> Keystroke {
            Keystroke(time_s: t, confidence: 0.3, strength: 5, typicality: typicality, loudness: 0.2, impulsiveness: 0.3, faint: true)
        }
        let typical = faint(21.6, typicality: 0.6)   // amid typing, sounds like this keyboard's presses
        let atypical = faint(22.2, typicality: 0.01) // more likely a speech sound
        let outside = faint(12.0, typicality: 0.01)  // outside speech every transient counts
        let (result, found, typing) = inSpeech([outside, typical, atypical])
        #expect(found == typing.union([12.0, 21.6]))
        #expect(result.fields["faint_presses"]?.number == 2)
        #expect(result.fields["presses_in_speech_typical"]?.number == 1)
    }

    /// …but amid typing means more for a faint press: `typingContextKeys` other presses within
    /// `typingContextSeconds`, as for a press heard with its release inside speech — in an
    /// interview's talk, a speech sound a second from one press passed for a faint one. A press
    /// standing above the threshold needs one.
    @Test("inside speech a faint press needs as much typing around it as a press with its release")
    func faintPressContext() throws {
        func lone(_ t: Double, faint: Bool) -> Keystroke {
            Keystroke(time_s: t, confidence: faint ? 0.3 : 0.9, strength: faint ? 5 : 10, typicality: 0.6, loudness: 0.2,
                      impulsiveness: 0.3, faint: faint)
        }
        // 22.25: one press within 1 s (21.3); 21.6: three (21.0, 21.15, 21.3) — and once that is
        // kept, 22.25 has two.
        let (_, faintFound, typing) = inSpeech([lone(22.25, faint: true)])
        #expect(faintFound == typing)
        let (_, both, _) = inSpeech([lone(21.6, faint: true), lone(22.25, faint: true)])
        #expect(both == typing.union([21.6, 22.25]))
        let (_, found, _) = inSpeech([lone(22.25, faint: false)])
        #expect(found == typing.union([22.25]))
        var one = Configuration.Keyboard()
        one.typingContextKeys = 1
        let (_, relaxed, _) = inSpeech([lone(22.25, faint: true)], settings: one)
        #expect(relaxed == typing.union([22.25]))
    }
}
