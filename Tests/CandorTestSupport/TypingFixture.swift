import CandorMedia
import Foundation

/// Real key sounds from Debian's bucklespring-data (IBM Model M recordings, GPL: read at test
/// time, never committed) and real speech from pocketsphinx-testdata.
public enum TypingFixture {
    public static let keyFolder = "/usr/share/buckle/wav"
    public static let speechFolder = "/usr/share/pocketsphinx/test/data/librivox"
    /// alsa-utils' channel announcements: real speech recorded at 48 kHz, full band (fricatives
    /// and plosive bursts up to 20 kHz, where the 16 kHz LibriVox clips have nothing).
    public static let fullBandSpeechFolder = "/usr/share/sounds/alsa"

    /// Which real speech goes over the typing.
    public enum Speech: Sendable { case librivox, fullBand }

    public static var available: Bool {
        FileManager.default.fileExists(atPath: keyFolder) && FileManager.default.fileExists(atPath: speechFolder)
            && FileManager.default.fileExists(atPath: fullBandSpeechFolder)
    }

    static func speechClips(_ speech: Speech) throws -> [String] {
        switch speech {
        case .librivox:
            return try FileManager.default.contentsOfDirectory(atPath: speechFolder).sorted().filter { $0.hasSuffix(".wav") }
                .map { "\(speechFolder)/\($0)" }
        case .fullBand:
            return try FileManager.default.contentsOfDirectory(atPath: fullBandSpeechFolder).sorted()
                .filter { $0.hasSuffix(".wav") && $0 != "Noise.wav" }.map { "\(fullBandSpeechFolder)/\($0)" }
        }
    }

    public static func load(_ path: String, rate: Int = 48000) throws -> [Float] {
        let reader = try MediaReader(path: path, audio: [AudioRequest(source: .stream(0), sampleRateHz: rate)])
        var samples: [Float] = []
        while let chunk = try reader.next() { if case .audio(let block) = chunk { samples += block.samples } }
        return samples
    }

    /// Press and release sounds per key, with each sound's onset (first sample above 20 % of its peak).
    public static func keySounds() throws -> [(press: [Float], pressOnset: Int, release: [Float], releaseOnset: Int)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: keyFolder).filter { $0.hasSuffix("-0.wav") }.sorted()
        return try names.prefix(40).map { name in
            let press = try load("\(keyFolder)/\(name)")
            let release = try load("\(keyFolder)/\(name.replacingOccurrences(of: "-0.wav", with: "-1.wav"))")
            return (press, onset(press), release, onset(release))
        }
    }

    public static func onset(_ x: [Float]) -> Int {
        let peak = x.map { abs($0) }.max() ?? 0
        return x.firstIndex { abs($0) > 0.2 * peak } ?? 0
    }

    /// `seconds` of audio at 48 kHz: bursts of typing (presses `pressInterval` apart, releases
    /// `dwell` — by default 60–130 ms — after each press), with real speech (clips back to back, 0.8 s apart, repeated) over it. Returns samples and press times
    /// (with each press's gain, dB, drawn from `keyGainDB`).
    /// With `pressOmittedEvery` N > 0, every Nth key's press sound is left out (as if masked):
    /// its release sounds alone, its time is in `loneReleases`, not in `presses`.
    /// `releaseGain`: releases relative to their press (amplitude); `pressEcho`: each press sounds
    /// again `delay` seconds later, `gainDB` quieter (a key that makes two sounds per stroke).
    /// `releaseSoundsLikePress`: each release is a copy of its key's press sound (scaled by
    /// `releaseGain`), so press and release differ in loudness only, not in spectral shape;
    /// `pressLikeReleaseKeys` N > 0: so only for the first N of the keys (the others' releases
    /// are their own recordings).
    /// `releaseRattle`: after every Nth release a second copy of it sounds `delay` seconds later
    /// (random, so no echo delay is learnt), `gainDB` quieter — a release-shaped sound a dwell
    /// time after a release with no press behind it (a loose keycap, a speech sound).
    public static func mix(seconds: Double, speechGain: Float = 1, speech kind: Speech = .librivox, keyGainDB: ClosedRange<Double> = -6...0, seed: UInt64 = 7,
                    typingFrom: Double = 0.5, typingTo: Double? = nil, pressOmittedEvery: Int = 0,
                    pressInterval: ClosedRange<Double> = 0.15...0.4, dwell dwellRange: ClosedRange<Double> = 0.06...0.13,
                    releaseGain: Float = 0.8,
                    pressEcho: (delay: Double, gainDB: Double)? = nil,
                    releaseSoundsLikePress: Bool = false, pressLikeReleaseKeys: Int = 0,
                    releaseRattle: (every: Int, delay: ClosedRange<Double>, gainDB: Double)? = nil) throws -> (samples: [Float], presses: [Double], loneReleases: [Double], releases: [Double], pressGainsDB: [Double]) {
        var generator = SeededRandom(seed: seed)
        let rate = 48000.0
        var out = [Float](repeating: 0, count: Int(seconds * rate))
        // Speech: the librivox clips back to back from 1 s, at their own level.
        if speechGain > 0 {
            var position = Int(1 * rate)
            let clips = try speechClips(kind).map { try load($0) }
            while position < out.count {
                for speech in clips {
                    for (i, v) in speech.enumerated() where position + i < out.count { out[position + i] += v * speechGain }
                    position += speech.count + Int(0.8 * rate)
                    if position >= out.count { break }
                }
            }
        }
        let keys = try keySounds()
        var presses: [Double] = [], loneReleases: [Double] = [], releases: [Double] = [], pressGainsDB: [Double] = []
        var t = typingFrom
        let end = min(typingTo ?? seconds, seconds) - 0.5
        while t < end {
            let burst = Int.random(in: 8...30, using: &generator)
            for _ in 0..<burst where t < end {
                let keyIndex = Int.random(in: 0..<keys.count, using: &generator), key = keys[keyIndex]
                let gainDB = Double.random(in: keyGainDB, using: &generator)
                let gain = Float(pow(10, gainDB / 20))
                let omitted = pressOmittedEvery > 0 && (presses.count + loneReleases.count + 1) % pressOmittedEvery == 0
                let pressStart = Int(t * rate) - key.pressOnset
                if !omitted {
                    for (i, v) in key.press.enumerated() where pressStart + i >= 0 && pressStart + i < out.count { out[pressStart + i] += v * gain }
                    // A second, quieter sound of the same stroke (a tactile switch's bump, then
                    // its bottoming out): a copy of the press a fixed delay later.
                    if let echo = pressEcho {
                        let echoStart = pressStart + Int(echo.delay * rate), echoGain = gain * Float(pow(10, echo.gainDB / 20))
                        for (i, v) in key.press.enumerated() where echoStart + i >= 0 && echoStart + i < out.count { out[echoStart + i] += v * echoGain }
                    }
                    presses.append(t)
                    pressGainsDB.append(gainDB)
                }
                let dwell = Double.random(in: dwellRange, using: &generator)
                if omitted { loneReleases.append(t + dwell) }
                releases.append(t + dwell)
                let likePress = releaseSoundsLikePress && (pressLikeReleaseKeys <= 0 || keyIndex < pressLikeReleaseKeys)
                let (releaseSound, releaseOnset) = likePress ? (key.press, key.pressOnset) : (key.release, key.releaseOnset)
                let releaseStart = Int((t + dwell) * rate) - releaseOnset
                for (i, v) in releaseSound.enumerated() where releaseStart + i >= 0 && releaseStart + i < out.count { out[releaseStart + i] += v * gain * releaseGain }
                if let rattle = releaseRattle, releases.count % rattle.every == 0 {
                    let rattleStart = releaseStart + Int(Double.random(in: rattle.delay, using: &generator) * rate)
                    let rattleGain = gain * releaseGain * Float(pow(10, rattle.gainDB / 20))
                    for (i, v) in releaseSound.enumerated() where rattleStart + i >= 0 && rattleStart + i < out.count { out[rattleStart + i] += v * rattleGain }
                }
                t += Double.random(in: pressInterval, using: &generator)
            }
            t += Double.random(in: 1...3, using: &generator)
        }
        return (out, presses, loneReleases, releases, pressGainsDB)
    }

    /// A synthetic desk knock at 48 kHz (no recording of one is packaged): a knuckle's contact —
    /// white noise dying away with a 0.4 ms time constant, broadband like a key's click — that
    /// sets a desk top ringing in a few low modes (around 90, 150, 230 and 330 Hz, each dying
    /// away over 20–50 ms), the modes `contactDB` louder than the contact at their peak. Peak
    /// amplitude `peak`.
    public static func deskKnock(peak: Float, contactDB: Double = 20, using generator: inout SeededRandom) -> [Float] {
        let rate = 48000.0, count = Int(0.15 * rate)
        var modes = [Float](repeating: 0, count: count), contact = [Float](repeating: 0, count: count)
        for (frequency, decay, amplitude) in [(90.0, 0.05, 1.0), (150, 0.035, 0.7), (230, 0.03, 0.5), (330, 0.02, 0.35)] {
            let f = frequency * Double.random(in: 0.9...1.1, using: &generator), phase = Double.random(in: 0..<(2 * .pi), using: &generator)
            for i in 0..<count {
                let t = Double(i) / rate
                modes[i] += Float(amplitude * exp(-t / decay) * sin(2 * .pi * f * t + phase) * min(1, t / 0.001))
            }
        }
        for i in 0..<Int(0.005 * rate) {
            contact[i] = Float(exp(-Double(i) / rate / 0.0004) * Double.random(in: -1...1, using: &generator))
        }
        let modesPeak = modes.map { abs($0) }.max() ?? 1, contactPeak = contact.map { abs($0) }.max() ?? 1
        let contactGain = Float(pow(10, -contactDB / 20)) * modesPeak / contactPeak
        var knock = zip(modes, contact).map { $0 + $1 * contactGain }
        let knockPeak = knock.map { abs($0) }.max() ?? 1
        for i in knock.indices { knock[i] *= peak / knockPeak }
        return knock
    }

    /// Precision, recall and F1 of `found` against `truth` with ±`tolerance` one-to-one matching.
    public static func score(_ found: [Double], _ truth: [Double], tolerance: Double = 0.03) -> (precision: Double, recall: Double, f1: Double) {
        var used = Set<Int>()
        var hits = 0
        for time in found {
            if let match = truth.indices.filter({ !used.contains($0) && abs(truth[$0] - time) <= tolerance })
                .min(by: { abs(truth[$0] - time) < abs(truth[$1] - time) }) {
                used.insert(match)
                hits += 1
            }
        }
        let precision = found.isEmpty ? 0 : Double(hits) / Double(found.count)
        let recall = truth.isEmpty ? 0 : Double(hits) / Double(truth.count)
        return (precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0)
    }

    /// How many of `found` are a key's release taken for a press: within ±`tolerance` of a
    /// release and of no press.
    public static func releasesTakenForPresses(_ found: [Double], presses: [Double], releases: [Double], tolerance: Double = 0.03) -> Int {
        found.filter { time in
            !presses.contains { abs($0 - time) <= tolerance } && releases.contains { abs($0 - time) <= tolerance }
        }.count
    }
}

public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed | 1 }
    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

