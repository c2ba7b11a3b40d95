import Foundation

/// A stretch of one speaker's speech.
public struct SpeakerTurn: Sendable, Equatable, Codable {
    /// `interviewer`, `candidate`, or a diarization label (`speaker 1`, `speaker 2`).
    public var speaker: String
    public var start_s: Double
    public var end_s: Double
    public init(speaker: String, start_s: Double, end_s: Double) {
        self.speaker = speaker
        self.start_s = start_s
        self.end_s = end_s
    }
    public var duration_s: Double { end_s - start_s }
}

/// Who spoke when, for recordings with one source per participant (tracks, channels or
/// files): each source's speech activity, with crosstalk resolved.
///
/// Bleed — one participant's voice leaking into the other's microphone or track — shows up
/// as speech on both sources at once, much quieter on one of them *relative to that source's
/// own speech level*. Where both sources are active, a source more than `bleedMarginDB`
/// below the other (each measured against its own median speech level) does not own those
/// frames. Genuine overlap (both talking) keeps both.
public struct TwoSourceTurns: Sendable {
    public struct Settings: Sendable, Equatable, Codable {
        /// Relative level difference beyond which the quieter source's speech is bleed (default 12 dB).
        public var bleedMarginDB: Float = 12
        /// Speech left shorter than this after removing bleed is dropped (default 0.2 s).
        public var minimumTurnSeconds: Double = 0.2
        public init() {}
    }

    public let settings: Settings
    public init(settings: Settings = .init()) { self.settings = settings }

    /// Turns of both participants, in time order. Works on each source's speech segments as
    /// frame ranges (no per-frame arrays, so memory does not grow with the recording).
    public func turns(interviewer: SpeechFeatures, candidate: SpeechFeatures) -> [SpeakerTurn] {
        let a = activeRanges(interviewer), b = activeRanges(candidate)
        let referenceA = medianSpeechLevel(interviewer, a), referenceB = medianSpeechLevel(candidate, b)
        let levelsA = interviewer.levelDBFS, levelsB = candidate.levelDBFS
        let count = min(levelsA.count, levelsB.count)
        // Frame i of one source is bleed when the other source is active there and this one is
        // more than the margin quieter, each relative to its own median speech level.
        func ownRuns(_ mine: [ClosedRange<Int>], _ other: [ClosedRange<Int>], bleed: (Int) -> Bool,
                     features: SpeechFeatures, speaker: String) -> [SpeakerTurn] {
            var result: [SpeakerTurn] = []
            var pointer = 0
            let half = 0.5 * features.hopSeconds
            func close(_ first: Int, _ last: Int) {
                let turn = SpeakerTurn(speaker: speaker, start_s: features.time(ofFrame: first) - half,
                                       end_s: features.time(ofFrame: last) + half)
                if turn.duration_s >= settings.minimumTurnSeconds { result.append(turn) }
            }
            for range in mine {
                var start: Int? = nil
                for i in range {
                    while pointer < other.count && other[pointer].upperBound < i { pointer += 1 }
                    let overlapped = i < count && pointer < other.count && other[pointer].contains(i)
                    let own = !(overlapped && bleed(i))
                    if own, start == nil { start = i }
                    if !own, let first = start {
                        close(first, i - 1)
                        start = nil
                    }
                }
                if let first = start { close(first, range.upperBound) }
            }
            return result
        }
        let margin = settings.bleedMarginDB
        let turns = ownRuns(a, b, bleed: { i in levelsA[i] - referenceA < levelsB[i] - referenceB - margin },
                            features: interviewer, speaker: "interviewer")
            + ownRuns(b, a, bleed: { i in levelsB[i] - referenceB < levelsA[i] - referenceA - margin },
                      features: candidate, speaker: "candidate")
        return turns.sorted { ($0.start_s, $0.speaker) < ($1.start_s, $1.speaker) }
    }

    /// Each speech segment as the frames it covers, in order, not overlapping.
    private func activeRanges(_ features: SpeechFeatures) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        for segment in features.speech {
            guard let range = features.frames(from: segment.start_s, to: segment.end_s) else { continue }
            if let previous = ranges.last, range.lowerBound <= previous.upperBound + 1 {
                ranges[ranges.count - 1] = previous.lowerBound...max(previous.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
        return ranges
    }

    /// Median level of the speech frames, from a 0.01 dB histogram (constant memory).
    private func medianSpeechLevel(_ features: SpeechFeatures, _ ranges: [ClosedRange<Int>]) -> Float {
        let levels = features.levelDBFS
        let lowest: Float = -200, binsPerDB: Float = 100
        var histogram = [Int32](repeating: 0, count: Int(260 * binsPerDB))
        var total = 0
        for range in ranges {
            for i in range where i < levels.count {
                let bin = Int(((levels[i] - lowest) * binsPerDB).rounded())
                histogram[max(0, min(histogram.count - 1, bin))] += 1
                total += 1
            }
        }
        guard total > 0 else { return -120 }
        var seen = 0
        for (bin, value) in histogram.enumerated() {
            seen += Int(value)
            if seen > total / 2 { return lowest + Float(bin) / binsPerDB }
        }
        return -120
    }
}
