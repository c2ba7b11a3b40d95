import CandorDSP
import CandorReport
import Foundation

/// `detectors.voice`: is the candidate one person throughout, and the same person as in
/// earlier interviews?
///
/// The candidate's speech is cut into non-overlapping windows of a few seconds of speech, each
/// described by its speaker statistics (MFCC means — the vocal tract — and median log-F0,
/// standardised over the session, which removes the session's channel). A change of voice is
/// a point where the statistics before and after differ by a large effect size, and by far
/// more than the same statistic does on the session's own windows in shuffled order (a
/// permutation test: the change-point penalty is calibrated on each session). Binary
/// segmentation finds further changes on each side; segments are then grouped into voices.
public struct VoiceDetector: Sendable {
    public static let id = "voice"
    public let settings: Configuration.Voice

    public init(settings: Configuration.Voice = .init()) { self.settings = settings }

    public struct Reference: Sendable {
        public var path: String
        public var voiceprint: Voiceprint
        public init(path: String, voiceprint: Voiceprint) {
            self.path = path
            self.voiceprint = voiceprint
        }
    }

    /// Speaker dimensions used for change detection: MFCC 1…19 means and median log-F0.
    static let changeDimensions: [Int] = Array(0..<19) + [38]

    public func detect(features: SpeechFeatures, spans: [ClosedRange<Double>], references: [Reference] = [],
                       toolVersion: String = "dev", media: String = "") -> (DetectorResult, Voiceprint?) {
        let speechSeconds = spans.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) }
        var fields: [String: JSONValue] = ["speech_s": .number(speechSeconds), "change_points_s": .array([]), "segments": .array([])]
        let windows = SpeakerEmbedding.windows(features, spans: spans, windowSeconds: settings.windowSeconds,
                                               stepSeconds: settings.windowSeconds)
        let voiceprint = windows.isEmpty ? nil
            : Voiceprint(toolVersion: toolVersion, media: media, speech_s: speechSeconds, embeddings: windows.map(\.embedding))
        // Earlier interviews.
        var referenceResults: [JSONValue] = []
        var referenceFlags: [EvidenceFlag] = []
        if let voiceprint {
            for reference in references {
                let similarity = voiceprint.similarity(to: reference.voiceprint)
                let same = similarity >= settings.referenceThreshold
                referenceResults.append(.object(["file": .string(reference.path), "similarity": .number(similarity),
                                                 "same_speaker": .bool(same), "threshold": .number(settings.referenceThreshold)]))
                if !same {
                    referenceFlags.append(EvidenceFlag(detector: Self.id, severity: .medium, start_s: spans.first?.lowerBound ?? 0,
                                              end_s: spans.last?.upperBound ?? 0,
                                              title: "Voice differs from an earlier interview",
                                              detail: String(format: "Voiceprint similarity %.2f is below the same-speaker threshold %.2f (reference %@ of %@, %.0f s of speech).",
                                                             similarity, settings.referenceThreshold, reference.path,
                                                             reference.voiceprint.media, reference.voiceprint.speech_s),
                                              evidence: ["similarity": .number(similarity), "threshold": .number(settings.referenceThreshold),
                                                         "reference": .string(reference.path)]))
                }
            }
        }
        let minimumWindows = max(2, Int((settings.minimumVoiceSeconds / settings.windowSeconds).rounded(.up)))
        guard speechSeconds >= settings.minimumSpeechSeconds, windows.count >= 2 * minimumWindows else {
            if !references.isEmpty { fields["references"] = .array(referenceResults) }
            if !referenceFlags.isEmpty {
                return (DetectorResult(id: Self.id, status: .flagged, score: 0.6,
                                       reason: String(format: "%.1f s of candidate speech: too little to look for a change of voice, but it differs from an earlier interview", speechSeconds),
                                       fields: fields, flags: referenceFlags), voiceprint)
            }
            return (.inconclusive(Self.id, String(format: "only %.1f s of candidate speech; at least %.0f s (and %.0f s per voice) are needed to compare voices",
                                                  speechSeconds, settings.minimumSpeechSeconds, settings.minimumVoiceSeconds), fields: fields),
                    voiceprint)
        }
        // Session-standardised speaker statistics (missing pitch takes the session mean).
        var matrix = windows.map { window in VoiceDetector.changeDimensions.map { window.embedding[$0] } }
        for d in matrix[0].indices {
            let values = matrix.map { $0[d] }.filter { $0.isFinite }
            let mean = values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count)
            for w in matrix.indices where !matrix[w][d].isFinite { matrix[w][d] = mean }
        }
        let vectors = Diarization.standardised(matrix).map { $0.map(Double.init) }

        // Binary segmentation with a permutation test at each step.
        var generator = SplitMix(seed: 0x5EED)
        var boundaries: [Int] = []
        var bestEffect = 0.0, bestP = 1.0
        var pending = [0..<vectors.count]
        while let range = pending.popLast() {
            guard range.count >= 2 * minimumWindows,
                  let split = VoiceDetector.bestSplit(Array(vectors[range]), minimumSide: minimumWindows) else { continue }
            var exceed = 0
            var shuffled = Array(vectors[range])
            for _ in 0..<settings.permutations {
                shuffled.shuffle(using: &generator)
                if let null = VoiceDetector.bestSplit(shuffled, minimumSide: minimumWindows), null.statistic >= split.statistic { exceed += 1 }
            }
            let p = Double(exceed + 1) / Double(settings.permutations + 1)
            if range == 0..<vectors.count || split.effect > bestEffect { bestEffect = max(bestEffect, split.effect); bestP = min(bestP, p) }
            guard p <= settings.maximumPValue, split.effect >= settings.minimumEffect else { continue }
            let at = range.lowerBound + split.index
            boundaries.append(at)
            pending.append(range.lowerBound..<at)
            pending.append(at..<range.upperBound)
        }
        boundaries.sort()
        fields["effect"] = .number(bestEffect)
        fields["p_value"] = .number(bestP)

        // Segments, grouped into voices: a segment joins an earlier voice it does not differ from.
        let edges = [0] + boundaries + [vectors.count]
        var segmentVoices: [Int] = []
        var voiceMeans: [[Double]] = []
        for (from, to) in zip(edges, edges.dropFirst()) {
            let mean = VoiceDetector.mean(Array(vectors[from..<to]))
            if let match = voiceMeans.indices.first(where: { VoiceDetector.effect(voiceMeans[$0], mean) < settings.minimumEffect }) {
                segmentVoices.append(match)
            } else {
                segmentVoices.append(voiceMeans.count)
                voiceMeans.append(mean)
            }
        }
        // Neighbouring segments of the same voice are one: a boundary counts only where the
        // voice changes.
        var mergedVoices: [Int] = []
        var mergedEdges = [0]
        for (index, voice) in segmentVoices.enumerated() {
            if let last = mergedVoices.last, last == voice {
                mergedEdges[mergedEdges.count - 1] = edges[index + 1]
            } else {
                mergedVoices.append(voice)
                mergedEdges.append(edges[index + 1])
            }
        }
        segmentVoices = mergedVoices
        let edgesOfVoices = mergedEdges
        boundaries = Array(edgesOfVoices.dropFirst().dropLast())
        let perWindow = speechSeconds / Double(vectors.count)
        var voiceSeconds = [Double](repeating: 0, count: voiceMeans.count)
        var segments: [JSONValue] = []
        for (index, (from, to)) in zip(edgesOfVoices, edgesOfVoices.dropFirst()).enumerated() {
            voiceSeconds[segmentVoices[index]] += Double(to - from) * perWindow
            segments.append(.object(["start_s": .number(windows[from].start_s), "end_s": .number(windows[to - 1].end_s),
                                     "speaker": .string("voice \(String(UnicodeScalar(65 + segmentVoices[index])!))")]))
        }
        // A change is reported where the new voice's speech begins: voices change between turns,
        // so within the windows either side of the boundary, at the longest pause in the speech.
        let changePoints = boundaries.map { boundary -> Double in
            let frames = windows[boundary - 1].frames + windows[boundary].frames
            var best = (gap: 0.0, time: windows[boundary].start_s)
            for (a, b) in zip(frames, frames.dropFirst()) {
                let gap = features.time(ofFrame: Int(b)) - features.time(ofFrame: Int(a))
                if gap > best.gap { best = (gap, features.time(ofFrame: Int(b))) }
            }
            return best.gap > 0.3 ? best.time : windows[boundary].start_s
        }
        fields["change_points_s"] = JSONValue(changePoints)
        fields["segments"] = .array(segments)
        fields["voices_s"] = .array(voiceSeconds.map { .number($0) })
        let substantial = voiceSeconds.filter { $0 >= settings.minimumVoiceSeconds }.count
        var flags: [EvidenceFlag] = []
        if substantial >= 2, let first = changePoints.first {
            flags.append(EvidenceFlag(
                detector: Self.id, severity: bestEffect >= 2 * settings.minimumEffect ? .high : .medium,
                start_s: first, end_s: spans.last?.upperBound ?? first,
                title: String(format: "A different voice speaks for the candidate from %.1f s", first),
                detail: String(format: "The candidate's speech splits into %d voices (%@ s). At %.1f s the speaker statistics change by %.1f within-session standard deviations (threshold %.1f), more than in any of %d shuffled orderings of the same speech (p = %.3f).",
                               voiceSeconds.count, voiceSeconds.map { String(format: "%.0f", $0) }.joined(separator: ", "), first,
                               bestEffect, settings.minimumEffect, settings.permutations, bestP),
                evidence: ["change_points_s": JSONValue(changePoints), "effect": .number(bestEffect), "p_value": .number(bestP),
                           "voices_s": .array(voiceSeconds.map { .number($0) }), "minimum_voice_s": .number(settings.minimumVoiceSeconds),
                           "minimum_effect": .number(settings.minimumEffect)]))
        }
        flags += referenceFlags
        if !references.isEmpty { fields["references"] = .array(referenceResults) }
        let evidence = min(1, bestEffect / (2 * settings.minimumEffect)) * (bestP <= settings.maximumPValue ? 1 : 0.5)
        let score = flags.isEmpty ? min(0.49, evidence) : max(0.5, evidence)
        let reason = substantial >= 2
            ? String(format: "%d voices in %.0f s of candidate speech (change effect %.1f, p = %.3f)", voiceSeconds.count, speechSeconds, bestEffect, bestP)
            : String(format: "one voice in %.0f s of candidate speech (largest change effect %.1f, p = %.3f; a change needs ≥ %.1f, p ≤ %.2f, and %.0f s per voice)",
                     speechSeconds, bestEffect, bestP, settings.minimumEffect, settings.maximumPValue, settings.minimumVoiceSeconds)
        return (DetectorResult(id: Self.id, status: flags.isEmpty ? .ok : .flagged, score: score,
                               reason: reason + (references.isEmpty ? "" : "; compared with \(references.count) earlier interview(s)"),
                               fields: fields, flags: flags), voiceprint)
    }

    /// The split maximising the two-sample statistic `n₁n₂/(n₁+n₂) · Σ_d (μ₁−μ₂)² / s²_d`
    /// (pooled within-side variance per dimension), with at least `minimumSide` windows a side.
    static func bestSplit(_ vectors: [[Double]], minimumSide: Int) -> (index: Int, statistic: Double, effect: Double)? {
        let n = vectors.count, dims = vectors.first?.count ?? 0
        guard n >= 2 * minimumSide, dims > 0 else { return nil }
        var prefix = [[Double]](repeating: [Double](repeating: 0, count: dims), count: n + 1)
        var prefixSquare = prefix
        for i in 0..<n {
            for d in 0..<dims {
                prefix[i + 1][d] = prefix[i][d] + vectors[i][d]
                prefixSquare[i + 1][d] = prefixSquare[i][d] + vectors[i][d] * vectors[i][d]
            }
        }
        var best: (Int, Double, Double)? = nil
        for k in minimumSide...(n - minimumSide) {
            let n1 = Double(k), n2 = Double(n - k)
            var sum = 0.0
            for d in 0..<dims {
                let m1 = prefix[k][d] / n1, m2 = (prefix[n][d] - prefix[k][d]) / n2
                let ss1 = prefixSquare[k][d] - n1 * m1 * m1
                let ss2 = (prefixSquare[n][d] - prefixSquare[k][d]) - n2 * m2 * m2
                let pooled = max((ss1 + ss2) / max(1, n1 + n2 - 2), 1e-6)
                sum += (m1 - m2) * (m1 - m2) / pooled
            }
            let effect = (sum / Double(dims)).squareRoot()
            let statistic = n1 * n2 / (n1 + n2) * sum
            if best == nil || statistic > best!.1 { best = (k, statistic, effect) }
        }
        return best
    }

    static func mean(_ vectors: [[Double]]) -> [Double] {
        guard let dims = vectors.first?.count else { return [] }
        return (0..<dims).map { d in vectors.reduce(0) { $0 + $1[d] } / Double(vectors.count) }
    }

    /// Root-mean-square difference of two session-standardised means (≈ standard deviations).
    static func effect(_ a: [Double], _ b: [Double]) -> Double {
        guard !a.isEmpty else { return 0 }
        return (zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(a.count)).squareRoot()
    }
}

/// Deterministic generator for the permutation test (reports must be reproducible).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
