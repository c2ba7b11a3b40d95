import Foundation

/// A stretch of speech on the media timeline.
public struct SpeechSegment: Sendable, Equatable, Codable {
    public var start_s: Double
    public var end_s: Double
    public init(start_s: Double, end_s: Double) {
        self.start_s = start_s
        self.end_s = end_s
    }
    public var duration_s: Double { end_s - start_s }
}

/// Settings of ``SpeechActivity``.
public struct SpeechActivitySettings: Sendable, Equatable, Codable {
    /// Speech starts this far above the local noise floor, in dB (default 12).
    public var onsetMarginDB: Float = 12
    /// …and continues while this far above it (default 8; the floor is a low percentile, and noise itself spreads a few dB above it).
    public var offsetMarginDB: Float = 8
    /// Never speech below this speech-band level, in dBFS (default −60).
    public var absoluteMinimumDBFS: Float = -60
    /// Frames below this level are digital silence (noise-suppression gating), never speech,
    /// and say nothing about the noise floor (default −90 dBFS).
    public var gateDBFS: Float = -90
    /// The noise floor at a frame is measured over this many seconds on either side (default 2.5)…
    public var floorHalfWindowSeconds: Double = 2.5
    /// …as this percentile of the non-gated, unvoiced frames' levels (default 0.1)…
    public var floorPercentile: Double = 0.1
    /// …when there are at least this many seconds of them (default 0.1); otherwise the
    /// floor is the gate level.
    public var minimumFloorSeconds: Double = 0.1
    /// Shorter speech bursts are dropped (default 0.2 s).
    public var minimumSpeechSeconds: Double = 0.2
    /// Shorter pauses are bridged (default 0.3 s).
    public var minimumSilenceSeconds: Double = 0.3
    /// An unvoiced stretch is kept (as a consonant) only if it peaks this far above the floor (default 20 dB).
    public var loudUnvoicedMarginDB: Float = 20
    /// …and lasts at least this long (default 0.04 s; clicks are shorter).
    public var minimumConsonantSeconds: Double = 0.04
    /// A segment must hold at least this much voiced (pitched) sound, so noise bursts,
    /// keyboard clatter and clicks are not speech (default 0.06 s).
    public var minimumVoicedSeconds: Double = 0.06
    public init() {}
}

/// Speech activity detection over per-frame levels: adaptive to the local noise floor (the
/// quietest non-gated moments around each frame, so it follows studio quiet, fan noise and
/// gated digital silence alike), with onset/offset hysteresis, minimum speech and silence
/// durations, and a voicing requirement.
///
/// Runs over a source's compact per-frame features (not its samples), so the floor can look
/// a little ahead as well as behind.
public struct SpeechActivity: Sendable {
    public let settings: SpeechActivitySettings
    public init(settings: SpeechActivitySettings = .init()) { self.settings = settings }

    /// Local noise floor in dBFS per 0.25 s block (returned with the block length in frames):
    /// the `floorPercentile` level of the non-gated, unvoiced frames within
    /// ±`floorHalfWindowSeconds` (so pauses, breaths and background
    /// noise, not speech, set it). Where there are too few such frames — a noise-suppressed
    /// track whose pauses are gated to digital silence — the floor is the gate level and only
    /// the absolute minimum applies.
    func blockNoiseFloor<Levels: RandomAccessCollection, Voiced: RandomAccessCollection>(
        levelsDBFS levels: Levels, voiced: Voiced, framesPerSecond: Double
    ) -> (floors: [Float], blockFrames: Int) where Levels.Element == Float, Levels.Index == Int, Voiced.Element == Bool,
        Voiced.Index == Int {
        let blockFrames = max(1, Int(0.25 * framesPerSecond))
        guard !levels.isEmpty else { return ([], blockFrames) }
        // A sliding histogram (0.5 dB bins from −120 to 0 dBFS) over 0.25 s blocks: blocks enter
        // and leave it frame by frame, so memory does not depend on the length.
        let binCount = 240
        func bin(_ level: Float) -> Int { min(binCount - 1, max(0, Int((level + 120) * 2))) }
        let blockCount = (levels.count + blockFrames - 1) / blockFrames
        func counted(_ i: Int) -> Bool { levels[i] > settings.gateDBFS && !(voiced.indices.contains(i) && voiced[i]) }
        let reach = max(1, Int(settings.floorHalfWindowSeconds / 0.25))
        let minimumFrames = max(1, Int(settings.minimumFloorSeconds * framesPerSecond))
        var window = [Int32](repeating: 0, count: binCount)
        var floors = [Float](repeating: settings.gateDBFS, count: blockCount)
        var low = 0, high = -1  // blocks currently summed into `window`
        for block in 0..<blockCount {
            let wantLow = max(0, block - reach), wantHigh = min(blockCount - 1, block + reach)
            while high < wantHigh {
                high += 1
                for i in (high * blockFrames)..<min(levels.count, (high + 1) * blockFrames) where counted(i) { window[bin(levels[i])] += 1 }
            }
            while low < wantLow {
                for i in (low * blockFrames)..<min(levels.count, (low + 1) * blockFrames) where counted(i) { window[bin(levels[i])] -= 1 }
                low += 1
            }
            let total = window.reduce(0, +)
            guard total >= minimumFrames else { continue }
            let target = max(1, Int32((Double(total) * settings.floorPercentile).rounded(.up)))
            var seen: Int32 = 0
            var floor = settings.gateDBFS
            for b in 0..<binCount {
                seen += window[b]
                if seen >= target {
                    floor = Float(b) / 2 - 120 + 0.25
                    break
                }
            }
            floors[block] = floor
        }
        return (floors, blockFrames)
    }

    /// Speech segments from per-frame speech-band levels and voicing.
    /// - Parameters:
    ///   - levels: speech-band RMS level per frame, dBFS.
    ///   - voiced: whether each frame is voiced (pitch found); same length.
    ///   - framesPerSecond: frame rate; frame `i` is centred at `firstFrame_s + i / framesPerSecond`.
    public func segments<Levels: RandomAccessCollection, Voiced: RandomAccessCollection>(
        levelsDBFS levels: Levels, voiced: Voiced, framesPerSecond: Double, firstFrame_s: Double = 0
    ) -> [SpeechSegment] where Levels.Element == Float, Levels.Index == Int, Voiced.Element == Bool, Voiced.Index == Int {
        let (blockFloors, blockFrames) = blockNoiseFloor(levelsDBFS: levels, voiced: voiced, framesPerSecond: framesPerSecond)
        @inline(__always) func floorAt(_ i: Int) -> Float { blockFloors[i / blockFrames] }
        var raw: [(start: Int, end: Int)] = []
        // Onset and offset decisions.
        var open: Int? = nil
        var inSpeech = false
        for i in levels.indices {
            let level = levels[i]
            if inSpeech {
                inSpeech = level > floorAt(i) + settings.offsetMarginDB && level > settings.absoluteMinimumDBFS - 3
                    && level > settings.gateDBFS
            } else {
                inSpeech = level > floorAt(i) + settings.onsetMarginDB && level > settings.absoluteMinimumDBFS
            }
            if inSpeech, open == nil { open = i }
            if !inSpeech, let start = open {
                raw.append((start, i - 1))
                open = nil
            }
        }
        if let start = open { raw.append((start, levels.count - 1)) }
        // Unvoiced stretches count only when loud and long enough to be consonants; quiet ones
        // are noise fluctuations and short ones are clicks (lips, keys, mice), which would
        // otherwise stretch speech into the silence around it.
        raw = raw.filter { segment in
            var voicedFrames = 0
            var peakAboveFloor: Float = -.infinity
            for i in segment.start...segment.end {
                if voiced.indices.contains(i) && voiced[i] { voicedFrames += 1 }
                peakAboveFloor = max(peakAboveFloor, levels[i] - floorAt(i))
            }
            let long = Double(segment.end - segment.start + 1) / framesPerSecond >= settings.minimumConsonantSeconds
            return voicedFrames >= 3 || (long && peakAboveFloor >= settings.loudUnvoicedMarginDB)
        }
        // Bridge short pauses.
        let bridge = Int((settings.minimumSilenceSeconds * framesPerSecond).rounded())
        var merged: [(start: Int, end: Int)] = []
        for segment in raw {
            if let last = merged.last, segment.start - last.end - 1 < bridge {
                merged[merged.count - 1].end = segment.end
            } else {
                merged.append(segment)
            }
        }
        // Keep segments long enough and voiced enough.
        let minimumFrames = Int((settings.minimumSpeechSeconds * framesPerSecond).rounded())
        let minimumVoiced = max(1, Int((settings.minimumVoicedSeconds * framesPerSecond).rounded()))
        let half = 0.5 / framesPerSecond
        return merged.compactMap { segment in
            guard segment.end - segment.start + 1 >= minimumFrames else { return nil }
            let voicedFrames = (segment.start...segment.end).reduce(0) { $0 + (voiced.indices.contains($1) && voiced[$1] ? 1 : 0) }
            guard voicedFrames >= minimumVoiced else { return nil }
            return SpeechSegment(start_s: firstFrame_s + Double(segment.start) / framesPerSecond - half,
                                 end_s: firstFrame_s + Double(segment.end) / framesPerSecond + half)
        }
    }
}
