@testable import CandorDSP
import CandorMedia
import CandorTestSupport
import Foundation
import Testing

extension TypingFixture {
    static func detect(_ samples: [Float], settings: KeystrokeSettings = .init()) throws -> [Keystroke] {
        let detector = try KeystrokeDetector(settings: settings)
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + 24000)
            detector.process(Array(samples[start..<end]))
            start = end
        }
        return detector.finish()
    }
}

@Suite("Keystroke detection", .enabled(if: TypingFixture.available, "needs bucklespring-data and pocketsphinx-testdata (make test installs them)"))
struct KeystrokeTests {
    @Test("a band that does not fit the audio, or narrower than one analysis bin, is refused")
    func badBand() {
        for (low, high, message) in [(2000.0, 30000.0, "does not fit"), (8000, 4000, "does not fit"), (2000, 2050, "narrower than one analysis bin")] {
            var settings = KeystrokeSettings()
            settings.bandLowHz = low
            settings.bandHighHz = high
            let error = #expect(throws: KeystrokeDetector.ParameterError.self) { try KeystrokeDetector(settings: settings) }
            #expect(error?.description.contains(message) == true, "\(low)–\(high): \(String(describing: error))")
        }
    }

    @Test("typing alone")
    func typingAlone() throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 0)
        let found = try TypingFixture.detect(mix.samples).map(\.time_s)
        let score = TypingFixture.score(found, mix.presses)
        print("keystrokes, typing alone: P \(score.precision) R \(score.recall) F1 \(score.f1) (\(mix.presses.count) presses)")
        #expect(score.f1 >= 0.9)
    }

    @Test("typing while talking")
    func typingOverSpeech() throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 1)
        let found = try TypingFixture.detect(mix.samples).map(\.time_s)
        let score = TypingFixture.score(found, mix.presses)
        print("keystrokes over speech: P \(score.precision) R \(score.recall) F1 \(score.f1) (\(mix.presses.count) presses)")
        // Known weakness (README): loud speech over typing masks presses, and speech sounds
        // make some false clicks. Checked so that it cannot get worse unnoticed.
        #expect(score.f1 >= 0.75)
    }

    /// A press masked (by speech, or too soft) leaves its release alone; with timing alone that
    /// release passes for a press. The recording's own press–release pairs teach the two sounds'
    /// spectral shapes (a Model M's release rings higher than its press).
    @Test("a release whose press went unheard is not taken for a press")
    func loneReleases() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 0, seed: 3, pressOmittedEvery: 6)
        func run(_ settings: KeystrokeSettings) throws -> (score: (precision: Double, recall: Double, f1: Double), releases: Int) {
            let found = try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s)
            let releases = mix.loneReleases.filter { release in found.contains { abs($0 - release) <= 0.03 } }.count
            return (TypingFixture.score(found, mix.presses), releases)
        }
        let learnt = try run(.init())
        var timingOnly = KeystrokeSettings()
        timingOnly.shapeModelMinimumPairs = .max
        let timed = try run(timingOnly)
        print("lone releases reported: \(learnt.releases) of \(mix.loneReleases.count) (timing alone: \(timed.releases)); F1 \(learnt.score.f1) (timing alone \(timed.score.f1))")
        #expect(mix.loneReleases.count >= 10)
        #expect(timed.releases * 2 > mix.loneReleases.count)  // the case the shape model is for
        #expect(learnt.releases * 5 <= mix.loneReleases.count)
        #expect(learnt.score.recall >= 0.95)
        #expect(learnt.score.f1 > timed.score.f1)
    }

    /// Fast typists press the next key as the last one comes up: within 25 ms the two sounds
    /// are one onset, which pairs as the last key's release. Its own release then follows a
    /// dwell time later, alone and release-shaped — so that onset was a press too.
    @Test("fast typing: a press landing on the previous key's release is found")
    func fastTyping() throws {
        let mix = try TypingFixture.mix(seconds: 60, speechGain: 0, seed: 3, pressInterval: 0.1...0.25)
        let landing = mix.presses.filter { press in mix.releases.contains { abs($0 - press) < 0.025 } }
        func run(_ settings: KeystrokeSettings) throws -> (f1: Double, landed: Int) {
            let found = try TypingFixture.detect(mix.samples, settings: settings).map(\.time_s)
            return (TypingFixture.score(found, mix.presses).f1, landing.filter { press in found.contains { abs($0 - press) <= 0.03 } }.count)
        }
        let with = try run(.init())
        var settings = KeystrokeSettings()
        settings.pressesOnReleases = false
        let without = try run(settings)
        print("fast typing: F1 \(with.f1) (without the rule \(without.f1)); presses on a release found \(with.landed) (\(without.landed)) of \(landing.count)")
        #expect(landing.count >= 10)
        #expect(with.landed > without.landed)
        #expect(with.f1 > without.f1)
        #expect(with.f1 >= 0.9)
    }

    @Test("searching a sliding window as audio arrives finds exactly what one search at the end finds")
    func streamingEqualsWhole() throws {
        let mix = try TypingFixture.mix(seconds: 40, speechGain: 1, seed: 11)
        func run(segmentSeconds: Double, block: Int) throws -> [Keystroke] {
            let detector = try KeystrokeDetector(settings: .init(), segmentSeconds: segmentSeconds)
            var start = 0
            while start < mix.samples.count {
                let end = min(mix.samples.count, start + block)
                detector.process(Array(mix.samples[start..<end]))
                start = end
            }
            return detector.finish()
        }
        let whole = try run(segmentSeconds: 1000, block: 48000)
        #expect(whole.count > 50)
        #expect(try run(segmentSeconds: 0.5, block: 4800) == whole)
        #expect(try run(segmentSeconds: 3, block: 77777) == whole)
    }

    /// Speech has transients of its own (plosive bursts, fricative onsets), but they come alone;
    /// a key press comes with its release. What Candor reports inside speech is the paired ones.
    @Test("speech alone: lone transients, hardly any press–release pairs", arguments: ["librivox", "alsa"])
    func speechAlone(speech: String) throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 1, speech: speech == "alsa" ? .fullBand : .librivox, typingFrom: 100)
        let found = try TypingFixture.detect(mix.samples)
        let paired = found.filter(\.releaseHeard)
        print("keystrokes in speech alone (\(speech)): \(found.count) transients, \(paired.count) with a release at \(paired.map { String(format: "%.2f", $0.time_s) })")
        #expect(Double(paired.count) <= 0.2 * 30, "at most one paired false press per 5 s of continuous speech")
    }
}
