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

    /// Turns of both participants, in time order.
    public func turns(interviewer: SpeechFeatures, candidate: SpeechFeatures) -> [SpeakerTurn] {
        let a = activeFrames(interviewer), b = activeFrames(candidate)
        let count = min(a.count, b.count)
        let referenceA = medianSpeechLevel(interviewer, a), referenceB = medianSpeechLevel(candidate, b)
        var ownA = a, ownB = b
        for i in 0..<count where a[i] && b[i] {
            let relativeA = interviewer.levelDBFS[i] - referenceA
            let relativeB = candidate.levelDBFS[i] - referenceB
            if relativeB < relativeA - settings.bleedMarginDB { ownB[i] = false }
            if relativeA < relativeB - settings.bleedMarginDB { ownA[i] = false }
        }
        let turns = runs(ownA, features: interviewer, speaker: "interviewer")
            + runs(ownB, features: candidate, speaker: "candidate")
        return turns.sorted { ($0.start_s, $0.speaker) < ($1.start_s, $1.speaker) }
    }

    private func activeFrames(_ features: SpeechFeatures) -> [Bool] {
        var active = [Bool](repeating: false, count: features.frameCount)
        for segment in features.speech {
            let first = features.frame(at: segment.start_s + 0.5 * features.hopSeconds)
            let last = features.frame(at: segment.end_s - 0.5 * features.hopSeconds)
            if first <= last { for i in first...last { active[i] = true } }
        }
        return active
    }

    private func medianSpeechLevel(_ features: SpeechFeatures, _ active: [Bool]) -> Float {
        var levels: [Float] = []
        for (i, level) in features.levelDBFS.enumerated() where i < active.count && active[i] { levels.append(level) }
        guard !levels.isEmpty else { return -120 }
        return FastMath.select(&levels, levels.count / 2)
    }

    private func runs(_ active: [Bool], features: SpeechFeatures, speaker: String) -> [SpeakerTurn] {
        var result: [SpeakerTurn] = []
        var start: Int? = nil
        let half = 0.5 * features.hopSeconds
        for i in 0...active.count {
            let on = i < active.count && active[i]
            if on, start == nil { start = i }
            if !on, let first = start {
                let turn = SpeakerTurn(speaker: speaker, start_s: features.time(ofFrame: first) - half,
                                       end_s: features.time(ofFrame: i - 1) + half)
                if turn.duration_s >= settings.minimumTurnSeconds { result.append(turn) }
                start = nil
            }
        }
        return result
    }
}
