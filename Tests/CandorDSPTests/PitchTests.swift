import CandorDSP
import CandorTestSupport
import Foundation
import Testing

@Suite("YIN pitch")
struct PitchTests {
    func track(_ signal: [Float], hop: Int = 160) throws -> [PitchEstimate] {
        let yin = try YIN(sampleRateHz: 16000, frameSamples: 1024, minHz: 60, maxHz: 500)
        var framer = try Framer(frameSamples: 1024, hopSamples: hop)
        var estimates: [PitchEstimate] = []
        framer.process(signal) { _, frame in estimates.append(yin.estimate(frame)) }
        return estimates
    }

    @Test("harmonic tones within 1 %", arguments: [65.0, 100, 147, 220, 330, 480])
    func harmonicTones(f0: Double) throws {
        let estimates = try track(Signals.harmonic(f0, seconds: 0.5))
        #expect(!estimates.isEmpty)
        for estimate in estimates {
            #expect(estimate.voiced)
            #expect(abs(Double(estimate.f0Hz) - f0) / f0 < 0.01, "\(estimate.f0Hz) Hz for \(f0) Hz")
        }
    }

    @Test("a missing fundamental is still found (the period, not the strongest partial)")
    func missingFundamental() throws {
        let signal = (0..<8000).map { n -> Float in
            let t = Double(n) / 16000
            return Float(0.3 * sin(2 * .pi * 400 * t) + 0.3 * sin(2 * .pi * 600 * t) + 0.2 * sin(2 * .pi * 800 * t))
        }
        for estimate in try track(signal) { #expect(abs(estimate.f0Hz - 200) < 2) }
    }

    @Test("noise and silence are unvoiced")
    func unvoiced() throws {
        for estimate in try track(Signals.noise(count: 8000, amplitude: 0.3)) { #expect(!estimate.voiced) }
        for estimate in try track([Float](repeating: 0, count: 8000)) { #expect(!estimate.voiced && estimate.f0Hz == 0) }
    }

    /// A glide of one octave per second: the estimate must be within 1 % of the true F0 at the
    /// centre of the samples YIN compares (the first half-frame and its lagged copy).
    @Test("a gliding pitch within 1 % of the truth, and near librosa.yin (Fixtures/yin_reference.json)")
    func glide() throws {
        let ours = try track(Signals.glide())
        for (index, estimate) in ours.enumerated() {
            let period = 16000 / Double(estimate.f0Hz)
            let centre = Double(index * 160) + (512 + period) / 2
            let truth = 110 * pow(2, centre / 16000)
            #expect(abs(Double(estimate.f0Hz) - truth) / truth < 0.01, "frame \(index): \(estimate.f0Hz) vs \(truth)")
        }
        // librosa 0.11's yin integrates over the whole 1024-sample frame, so on this glide its
        // analysis centre is up to ~180 samples later than ours (≤ 1.3 % of pitch change).
        let reference = try #require(try Signals.fixture("yin_reference.json")["f0_hz"] as? [Double])
        #expect(ours.count == reference.count)
        for (estimate, expected) in zip(ours, reference) {
            #expect(abs(Double(estimate.f0Hz) - expected) / expected < 0.02, "\(estimate.f0Hz) vs \(expected)")
        }
    }

    /// Real voiced speech (pocketsphinx-testdata, read at test time) against librosa.yin on the
    /// steady voiced frames (Fixtures/yin_speech_reference.json).
    @Test("real voiced speech agrees with librosa.yin",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/pocketsphinx/test/data/cards"), "needs pocketsphinx-testdata"))
    func realSpeech() throws {
        let reference = try Signals.fixture("yin_speech_reference.json")
        let clips = try #require(reference["clips"] as? [String: [[Double]]])
        var total = 0, within = 0, withinTwo = 0, voiced = 0
        for (name, frames) in clips {
            let samples = try TypingFixture.load("/usr/share/pocketsphinx/test/data/\(name)", rate: 16000)
            let ours = try track(samples)
            for frame in frames {
                let index = Int(frame[0]), expected = frame[1]
                guard index < ours.count else { continue }
                total += 1
                let error = abs(Double(ours[index].f0Hz) - expected) / expected
                if error < 0.01 { within += 1 }
                if error < 0.02 { withinTwo += 1 }
                if ours[index].voiced { voiced += 1 }
            }
        }
        #expect(total > 100)
        // librosa 0.11's yin integrates over the whole 1024-sample frame and ours over its first
        // half plus the lag, so on real speech, whose pitch is never quite still, the two differ
        // by slightly over 1 % on some frames. Measured: 83 % within 1 %, see the print.
        #expect(Double(within) / Double(total) >= 0.8, "\(within) of \(total) steady voiced frames within 1 %")
        #expect(Double(withinTwo) / Double(total) >= 0.95, "\(withinTwo) of \(total) steady voiced frames within 2 %")
        print("YIN on real speech: \(within) of \(total) steady voiced frames within 1 % of librosa.yin, \(withinTwo) within 2 %; \(voiced) judged voiced")
    }
}
