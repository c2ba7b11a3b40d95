import CandorDSP
import CandorMedia
import CandorTestSupport
import Foundation
import Testing

/// Decodes one source of `path` at 16 kHz and extracts its speech features.
func speechFeatures(_ path: String, source: SourceSpec = .stream(0), settings: SpeechFeatureSettings = .init()) throws -> SpeechFeatures {
    let reader = try MediaReader(path: path, audio: [AudioRequest(source: source, sampleRateHz: 16000)])
    let extractor = try SpeechFeatureExtractor(settings: settings)
    while let chunk = try reader.next() {
        if case .audio(let block) = chunk { extractor.process(block.samples) }
    }
    return extractor.finish()
}

func features(of samples: [Float]) throws -> SpeechFeatures {
    let extractor = try SpeechFeatureExtractor()
    var start = 0
    while start < samples.count {  // in uneven blocks, as a decoder delivers them
        let end = min(samples.count, start + 7919)
        extractor.process(Array(samples[start..<end]))
        start = end
    }
    return extractor.finish()
}

struct Turn: Decodable {
    var role: String
    var start_s: Double
    var end_s: Double
    var speech_start_s: Double
    var speech_end_s: Double
}

func sampleTurns() throws -> [Turn] {
    struct File: Decodable { var turns: [Turn] }
    let url = Tools.packageRoot.appendingPathComponent("testmedia/sample-interview.mkv.turns.json")
    return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).turns
}

@Suite("Speech activity")
struct SpeechActivityTests {
    static let sample = Tools.packageRoot.appendingPathComponent("testmedia/sample-interview.mkv").path

    @Test("real speech: segments match the sample's checked speech extents", arguments: [("interviewer", 0), ("candidate", 1)])
    func realSpeech(role: String, stream: Int) throws {
        let features = try speechFeatures(SpeechActivityTests.sample, source: .stream(stream))
        let turns = try sampleTurns().filter { $0.role == role }
        for segment in features.speech {
            #expect(turns.contains { segment.start_s >= $0.start_s - 0.05 && segment.end_s <= $0.end_s + 0.05 },
                    "\(role) speech at \(segment.start_s)–\(segment.end_s) outside every \(role) turn")
        }
        for turn in turns {
            let inside = features.speech.filter { $0.end_s > turn.start_s && $0.start_s < turn.end_s }
            let first = try #require(inside.first, "no speech found in the \(role) turn at \(turn.start_s) s")
            let last = try #require(inside.last)
            // The truth marks the first 10 ms frame 20 dB above the clip's own floor; the detector
            // starts at 12 dB, which on a gradual fricative onset comes up to ~150 ms earlier.
            #expect(abs(first.start_s - turn.speech_start_s) < 0.15, "\(role) turn starts \(first.start_s), checked \(turn.speech_start_s)")
            #expect(abs(last.end_s - turn.speech_end_s) < 0.25, "\(role) turn ends \(last.end_s), checked \(turn.speech_end_s)")
        }
    }

    /// Silence, voice, pause, voice: with a clean background, fan-like noise, gated digital
    /// silence, and 20 dB less gain. Segments are the same in every condition.
    @Test("adapts to noise, gating and level", arguments: ["clean", "noise", "gated", "quiet"])
    func conditions(condition: String) throws {
        let voice = Signals.vowel(seconds: 1)
        let silence = [Float](repeating: 0, count: 16000)
        var signal = silence + voice + voice + silence + voice + Array(silence[0..<8000])
        switch condition {
        case "noise":
            let noise = Signals.noise(count: signal.count, amplitude: 0.02)   // about −40 dBFS
            signal = zip(signal, noise).map { $0 + $1 }
        case "gated":
            let noise = Signals.noise(count: signal.count, amplitude: 0.01)
            signal = zip(signal, noise).map { $0 == 0 ? 0 : $0 + $1 }
        case "quiet":
            signal = signal.map { $0 * 0.1 }
        default:
            break
        }
        let segments = try features(of: signal).speech
        #expect(segments.count == 2, "\(condition): \(segments)")
        guard segments.count == 2 else { return }
        #expect(abs(segments[0].start_s - 1) < 0.05 && abs(segments[0].end_s - 3) < 0.05, "\(condition): \(segments[0])")
        #expect(abs(segments[1].start_s - 4) < 0.05 && abs(segments[1].end_s - 5) < 0.05, "\(condition): \(segments[1])")
    }

    @Test("noise bursts and clicks without voicing are not speech")
    func unvoicedIsNotSpeech() throws {
        var signal = [Float](repeating: 0, count: 48000)
        let burst = Signals.noise(count: 8000, amplitude: 0.3)
        signal.replaceSubrange(8000..<16000, with: burst)
        for click in stride(from: 24000, to: 44000, by: 1600) {   // 10 clicks per second
            for i in 0..<80 { signal[click + i] = 0.5 * Float(1 - Double(i) / 80) * (i % 2 == 0 ? 1 : -1) }
        }
        let signalFeatures = try features(of: signal)
        #expect(signalFeatures.speech.isEmpty, "\(signalFeatures.speech)")
    }

    @Test("the pause bridge and minimum length")
    func durations() {
        let activity = SpeechActivity()
        // 100 frames per second: speech 0.5 s, pause 0.2 s (bridged), speech 0.5 s, pause 1 s, blip 0.1 s (dropped).
        var levels = [Float](repeating: -70, count: 300)
        for i in 20..<70 { levels[i] = -20 }
        for i in 90..<140 { levels[i] = -20 }
        for i in 240..<250 { levels[i] = -20 }
        let segments = activity.segments(levelsDBFS: levels, voiced: levels.map { $0 > -30 }, framesPerSecond: 100)
        #expect(segments.count == 1)
        #expect(abs((segments.first?.start_s ?? 0) - 0.195) < 0.011 && abs((segments.first?.end_s ?? 0) - 1.395) < 0.011)
    }
}
