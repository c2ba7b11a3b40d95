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

    @Test("speech alone has no keystrokes")
    func speechAlone() throws {
        let mix = try TypingFixture.mix(seconds: 30, speechGain: 1, typingFrom: 100)
        let found = try TypingFixture.detect(mix.samples)
        print("keystrokes in speech alone: \(found.count) false alarms at \(found.map { String(format: "%.2f", $0.time_s) })")
        #expect(Double(found.count) <= 0.34 * 30, "at most one false alarm per 3 s of continuous loud speech")
    }
}
