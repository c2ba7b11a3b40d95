import Foundation

/// Who spoke when in a single mixed source holding two voices: speech is cut into short
/// windows, each described by the mean and spread of its MFCCs (normalised over the whole
/// recording, which removes the channel), the windows are clustered into two speakers, and
/// the labels are smoothed into turns.
public struct Diarization: Sendable {
    public struct Settings: Sendable, Equatable, Codable {
        /// Embedding window length (default 1.5 s) and step (default 0.5 s).
        public var windowSeconds: Double = 1.5
        public var stepSeconds: Double = 0.5
        /// Label runs shorter than this are absorbed by their neighbours (default 0.75 s).
        public var minimumTurnSeconds: Double = 0.75
        /// k-means restarts (deterministic seeds; the fallback when segments are too few).
        public var restarts = 8
        /// At most this many speech segments (the longest) are clustered into voices.
        public var maximumUnits = 400
        public init() {}
    }

    /// The result: turns labelled `speaker 1` / `speaker 2` (in order of first appearance), and
    /// how well the two clusters separate (silhouette-like: 0 none, 1 perfect).
    public struct Result: Sendable, Equatable {
        public var turns: [SpeakerTurn]
        public var separation: Double
        public var speechSeconds: [String: Double]
    }

    public let settings: Settings
    public init(settings: Settings = .init()) { self.settings = settings }

    public func diarize(_ features: SpeechFeatures) -> Result {
        let windows = embeddingWindows(features)
        guard windows.count >= 2 else {
            let turns = features.speech.map { SpeakerTurn(speaker: "speaker 1", start_s: $0.start_s, end_s: $0.end_s) }
            return Result(turns: turns, separation: 0, speechSeconds: ["speaker 1": features.speechSeconds])
        }
        // Missing values (pitch of unvoiced windows) take the mean of the windows that have one.
        var embeddings = windows.map(\.embedding)
        for d in embeddings[0].indices {
            let known = embeddings.map { $0[d] }.filter { $0.isFinite }
            let mean = known.isEmpty ? 0 : known.reduce(0, +) / Float(known.count)
            for i in embeddings.indices where !embeddings[i][d].isFinite { embeddings[i][d] = mean }
        }
        let vectors = Diarization.standardised(embeddings)
        // Two voice models from whole pauses-delimited segments (agglomerative clustering on
        // their MFCC statistics: seconds of speech each, so the voice, not the phonemes of one
        // window, decides), then each window goes to the model under which its frames are more
        // likely. Windows clustered directly (k-means on their statistics) split two similar
        // voices by what was being said.
        let labels: [Int]
        let separation: Double
        if let models = voiceModels(features) {
            labels = windows.map { models.label(Statistics(features, frames: $0.frames)) }
            separation = Diarization.silhouette(vectors, labels: labels)
        } else {
            (labels, separation) = Diarization.twoMeans(vectors, restarts: settings.restarts)
        }

        // Frame labels: vote of the windows covering each speech frame.
        // (Small integers per frame: a frame is covered by a handful of windows.)
        var votes = [Int16](repeating: 0, count: features.frameCount)
        for (window, label) in zip(windows, labels) {
            for i in window.frames { votes[i] = votes[i] &+ (label == 0 ? -1 : 1) }
        }
        var frameLabel = [Int8](repeating: -1, count: features.frameCount)
        for segment in features.speech {
            guard let range = features.frames(from: segment.start_s, to: segment.end_s) else { continue }
            for i in range { frameLabel[i] = votes[i] == 0 ? -2 : (votes[i] < 0 ? 0 : 1) }
        }
        // Frames with a tied vote take the nearest voted label.
        fillUnvoted(&frameLabel)
        let runs = smoothRuns(frameLabel, features: features)
        // Name speakers in order of first appearance.
        var names: [Int: String] = [:]
        for run in runs where names[run.label] == nil { names[run.label] = "speaker \(names.count + 1)" }
        let turns = runs.map { SpeakerTurn(speaker: names[$0.label] ?? "speaker ?", start_s: $0.start_s, end_s: $0.end_s) }
        var seconds: [String: Double] = [:]
        for turn in turns { seconds[turn.speaker, default: 0] += turn.duration_s }
        return Result(turns: turns, separation: separation, speechSeconds: seconds)
    }

    // MARK: - Embeddings

    struct Window {
        var frames: ClosedRange<Int>
        var embedding: [Float]
    }

    func embeddingWindows(_ features: SpeechFeatures) -> [Window] {
        let length = max(1, Int(settings.windowSeconds / features.hopSeconds))
        let step = max(1, Int(settings.stepSeconds / features.hopSeconds))
        var windows: [Window] = []
        for segment in features.speech {
            guard let range = features.frames(from: segment.start_s, to: segment.end_s), range.count >= length / 3 else { continue }
            let first = range.lowerBound, last = range.upperBound
            var start = first
            repeat {
                let end = min(last, start + length - 1)
                windows.append(Window(frames: start...end, embedding: Diarization.embedding(features, frames: start...end)))
                if end == last { break }
                start = min(start + step, max(first, last - length + 1))
            } while true
        }
        return windows
    }

    /// The window's speaker statistics (``SpeakerEmbedding``: MFCC 1…19 means and spreads,
    /// log-F0 median and spread; pitch is NaN where a window has too few voiced frames).
    static func embedding(_ features: SpeechFeatures, frames: ClosedRange<Int>) -> [Float] {
        SpeakerEmbedding.of(features, frames: frames)
            ?? [Float](repeating: .nan, count: SpeakerEmbedding.dimensions)
    }

    /// Zero mean and unit variance per dimension across the recording (channel normalisation).
    public static func standardised(_ vectors: [[Float]]) -> [[Float]] {
        guard let width = vectors.first?.count else { return vectors }
        var mean = [Double](repeating: 0, count: width), variance = [Double](repeating: 0, count: width)
        for v in vectors { for d in 0..<width { mean[d] += Double(v[d]) } }
        for d in 0..<width { mean[d] /= Double(vectors.count) }
        for v in vectors { for d in 0..<width { variance[d] += pow(Double(v[d]) - mean[d], 2) } }
        let scale = variance.map { $0 > 0 ? 1 / ($0 / Double(vectors.count)).squareRoot() : 0 }
        return vectors.map { v in (0..<width).map { Float((Double(v[$0]) - mean[$0]) * scale[$0]) } }
    }

    // MARK: - Voice models

    /// Frame statistics (count, sums and sums of squares of MFCC 1…19) of a stretch of speech:
    /// a diagonal Gaussian. (Log-F0 was tried as a further dimension and made two women's
    /// voices harder to tell apart: intonation varies more within a voice than between them.)
    struct Statistics {
        var count = 0.0
        var sum = [Double](repeating: 0, count: 19), square = [Double](repeating: 0, count: 19)
        init() {}
        /// The statistics of `frames` of `features`.
        init(_ features: SpeechFeatures, frames: ClosedRange<Int>) {
            var row = [Int16](repeating: 0, count: features.mfccCount)
            let step = Double(SpeechFeatures.mfccStep)
            for i in frames {
                row.withUnsafeMutableBufferPointer { features.mfccFixed(ofFrame: i, into: $0) }
                for d in 0..<19 {
                    let x = Double(row[d + 1]) * step
                    sum[d] += x
                    square[d] += x * x
                }
            }
            count = Double(frames.count)
        }
        mutating func add(_ other: Statistics) {
            count += other.count
            for d in sum.indices { sum[d] += other.sum[d]; square[d] += other.square[d] }
        }
        var mean: [Double] { sum.map { $0 / count } }
        /// Variance per dimension, floored.
        var variance: [Double] {
            sum.indices.map { d in max(square[d] / count - (sum[d] / count) * (sum[d] / count), 1e-4) }
        }
        /// Σ log variance (the log-determinant of the diagonal covariance).
        var logDeterminant: Double { variance.reduce(0) { $0 + log($1) } }
        /// −2 × the maximised log-likelihood of its frames, up to constants.
        var cost: Double { count * logDeterminant }
    }

    /// Two diagonal Gaussians over MFCC 1…19, one per voice.
    struct VoiceModels {
        var mean: [[Double]] = [], inverseVariance: [[Double]] = [], logDeterminant: [Double] = []
        init(_ voices: [Statistics]) {
            for voice in voices {
                let variance = voice.variance
                mean.append(voice.mean)
                inverseVariance.append(variance.map { 1 / $0 })
                logDeterminant.append(voice.logDeterminant)
            }
        }
        /// 0 or 1: the model under which the frames summed in `statistics` are more likely
        /// (Σ (x − μ)² over the frames, from their sums).
        func label(_ statistics: Statistics) -> Int {
            var score = [0.0, 0.0]
            for k in 0..<2 {
                var distance = statistics.count * logDeterminant[k]
                for d in 0..<19 {
                    let mean = self.mean[k][d]
                    distance += (statistics.square[d] - 2 * mean * statistics.sum[d] + statistics.count * mean * mean) * inverseVariance[k][d]
                }
                score[k] = -0.5 * distance
            }
            return score[0] >= score[1] ? 0 : 1
        }
    }

    /// Agglomerative clustering of the speech segments into two voices: repeatedly merges the
    /// two clusters whose merge costs the least likelihood (the generalised likelihood ratio of
    /// one diagonal Gaussian against two), then models each voice. Nil when there are too few
    /// segments or frames, or when one voice would hold under 5 % of the speech.
    func voiceModels(_ features: SpeechFeatures) -> VoiceModels? {
        guard features.mfccCount >= 20 else { return nil }
        var units: [Statistics] = []
        for segment in features.speech {
            guard let range = features.frames(from: segment.start_s, to: segment.end_s), range.count >= 30 else { continue }
            units.append(Statistics(features, frames: range))
        }
        guard units.count >= 4 else { return nil }
        // At most `maximumUnits` (the longest segments) are clustered; O(n²) memory and time.
        if units.count > settings.maximumUnits {
            units = Array(units.sorted { $0.count > $1.count }.prefix(settings.maximumUnits))
        }
        var clusters = units.map { Optional($0) }
        func cost(_ a: Statistics, _ b: Statistics) -> Double {
            var merged = a
            merged.add(b)
            return merged.cost - a.cost - b.cost
        }
        let n = clusters.count
        var costs = [Double](repeating: .infinity, count: n * n)
        for i in 0..<n { for j in (i + 1)..<n { costs[i * n + j] = cost(units[i], units[j]) } }
        var alive = n
        while alive > 2 {
            var best = (cost: Double.infinity, i: -1, j: -1)
            for i in 0..<n where clusters[i] != nil {
                for j in (i + 1)..<n where clusters[j] != nil && costs[i * n + j] < best.cost { best = (costs[i * n + j], i, j) }
            }
            guard best.i >= 0 else { break }
            clusters[best.i]!.add(clusters[best.j]!)
            clusters[best.j] = nil
            alive -= 1
            for k in 0..<n where k != best.i && clusters[k] != nil {
                let value = cost(clusters[best.i]!, clusters[k]!)
                if k < best.i { costs[k * n + best.i] = value } else { costs[best.i * n + k] = value }
            }
        }
        var voices = clusters.compactMap { $0 }
        guard voices.count == 2 else { return nil }
        // Greedy merging can settle a segment early with the wrong voice; reassign each segment
        // to the model under which its frames are more likely, until nothing moves.
        var assignment = [Int](repeating: -1, count: units.count)
        for _ in 0..<20 {
            let models = VoiceModels(voices)
            var changed = false
            var next = [Statistics(), Statistics()]
            for (index, unit) in units.enumerated() {
                let label = models.label(unit)
                if label != assignment[index] { assignment[index] = label; changed = true }
                next[label].add(unit)
            }
            guard next[0].count > 0, next[1].count > 0 else { return nil }
            voices = next
            if !changed { break }
        }
        let total = voices[0].count + voices[1].count
        guard min(voices[0].count, voices[1].count) >= 0.05 * total else { return nil }
        return VoiceModels(voices)
    }

    // MARK: - Clustering

    /// k-means with k = 2, restarted from deterministic farthest-point seeds; returns labels
    /// and a separation score (mean silhouette, clamped to 0…1).
    public static func twoMeans(_ vectors: [[Float]], restarts: Int) -> ([Int], Double) {
        let n = vectors.count, width = vectors[0].count
        func distance(_ a: [Float], _ b: [Float]) -> Float {
            var sum: Float = 0
            for d in 0..<width { let x = a[d] - b[d]; sum += x * x }
            return sum
        }
        var best: (labels: [Int], cost: Float) = ([Int](repeating: 0, count: n), .infinity)
        for restart in 0..<max(1, restarts) {
            // Seed: a deterministic start point, then the point farthest from it.
            let first = (restart * 7919) % n
            var second = 0
            var farthest: Float = -1
            for i in 0..<n { let d = distance(vectors[i], vectors[first]); if d > farthest { farthest = d; second = i } }
            var centres = [vectors[first], vectors[second]]
            var labels = [Int](repeating: 0, count: n)
            for _ in 0..<50 {
                var changed = false
                for i in 0..<n {
                    let label = distance(vectors[i], centres[0]) <= distance(vectors[i], centres[1]) ? 0 : 1
                    if label != labels[i] { labels[i] = label; changed = true }
                }
                for k in 0..<2 {
                    let members = (0..<n).filter { labels[$0] == k }
                    guard !members.isEmpty else { continue }
                    centres[k] = (0..<width).map { d in members.reduce(0) { $0 + vectors[$1][d] } / Float(members.count) }
                }
                if !changed { break }
            }
            let cost = (0..<n).reduce(Float(0)) { $0 + distance(vectors[$1], centres[labels[$1]]) }
            if cost < best.cost { best = (labels, cost) }
        }
        return (best.labels, silhouette(vectors, labels: best.labels))
    }

    /// Mean silhouette of a two-way labelling (clamped to 0…1), over at most 600 evenly spaced
    /// vectors (it is quadratic).
    public static func silhouette(_ vectors: [[Float]], labels: [Int]) -> Double {
        let n = vectors.count
        guard n > 1, let width = vectors.first?.count else { return 0 }
        func distance(_ a: [Float], _ b: [Float]) -> Float {
            var sum: Float = 0
            for d in 0..<width { let x = a[d] - b[d]; sum += x * x }
            return sum
        }
        let sampled = stride(from: 0, to: n, by: max(1, n / 600)).map { $0 }
        var total = 0.0
        for i in sampled {
            var sums = [0.0, 0.0], counts = [0, 0]
            for j in sampled where j != i {
                sums[labels[j]] += Double(distance(vectors[i], vectors[j])).squareRoot()
                counts[labels[j]] += 1
            }
            let own = labels[i], other = 1 - own
            guard counts[own] > 0, counts[other] > 0 else { continue }
            let a = sums[own] / Double(counts[own]), b = sums[other] / Double(counts[other])
            total += (b - a) / max(a, b)
        }
        return min(1, max(0, total / Double(sampled.count)))
    }

    // MARK: - Smoothing

    private func fillUnvoted(_ labels: inout [Int8]) {
        // -2: speech frame with a tied vote; take the previous label, else the next.
        var previous: Int8 = -1
        for i in labels.indices {
            if labels[i] == -2 { labels[i] = previous >= 0 ? previous : -2 } else if labels[i] >= 0 { previous = labels[i] }
        }
        var next: Int8 = -1
        for i in labels.indices.reversed() {
            if labels[i] == -2 { labels[i] = next >= 0 ? next : 0 } else if labels[i] >= 0 { next = labels[i] }
        }
    }

    private struct Run { var label: Int; var first: Int; var last: Int; var start_s: Double; var end_s: Double }

    private func smoothRuns(_ labels: [Int8], features: SpeechFeatures) -> [Run] {
        let half = 0.5 * features.hopSeconds
        var runs: [Run] = []
        var i = 0
        while i < labels.count {
            guard labels[i] >= 0 else { i += 1; continue }
            var j = i
            while j + 1 < labels.count && labels[j + 1] == labels[i] { j += 1 }
            runs.append(Run(label: Int(labels[i]), first: i, last: j, start_s: features.time(ofFrame: i) - half,
                            end_s: features.time(ofFrame: j) + half))
            i = j + 1
        }
        // Absorb short runs that sit between turns of the other speaker with no pause.
        var changed = true
        while changed {
            changed = false
            for k in runs.indices where runs[k].end_s - runs[k].start_s < settings.minimumTurnSeconds {
                let before = k > 0 && runs[k - 1].last + 1 == runs[k].first ? k - 1 : nil
                let after = k + 1 < runs.count && runs[k].last + 1 == runs[k + 1].first ? k + 1 : nil
                guard let neighbour = before ?? after else { continue }
                runs[k].label = runs[neighbour].label
                changed = true
            }
            // Merge adjacent runs with the same label.
            var merged: [Run] = []
            for run in runs {
                if var last = merged.last, last.label == run.label, last.last + 1 == run.first {
                    last.last = run.last
                    last.end_s = run.end_s
                    merged[merged.count - 1] = last
                } else {
                    merged.append(run)
                }
            }
            if merged.count != runs.count { runs = merged } else { changed = false }
        }
        return runs
    }

    // MARK: - Roles

    /// Which diarized speaker is the interviewer, and how sure that is.
    public struct RoleGuess: Sendable, Equatable, Codable {
        public var interviewer: String
        public var candidate: String
        /// 0.5 is a coin toss, 1 is certain.
        public var confidence: Double
        /// `question markers` or `conversation structure`.
        public var basis: String
    }

    /// Decides which of two diarized speakers is the interviewer: from the event log's question
    /// markers when there are any (whoever speaks while questions are open), otherwise from
    /// the conversation's structure (interviewers open the conversation and speak less, in
    /// shorter turns, than candidates).
    public static func assignRoles(_ turns: [SpeakerTurn], questions: [ClosedRange<Double>] = []) -> RoleGuess? {
        var speakers: [String] = []
        for turn in turns where !speakers.contains(turn.speaker) { speakers.append(turn.speaker) }
        guard speakers.count == 2 else { return nil }
        let (one, two) = (speakers[0], speakers[1])
        if !questions.isEmpty {
            var votes = [one: 0, two: 0]
            for question in questions {
                var overlap = [one: 0.0, two: 0.0]
                for turn in turns {
                    let shared = min(turn.end_s, question.upperBound) - max(turn.start_s, question.lowerBound)
                    if shared > 0 { overlap[turn.speaker, default: 0] += shared }
                }
                if overlap[one]! > overlap[two]! { votes[one]! += 1 } else if overlap[two]! > overlap[one]! { votes[two]! += 1 }
            }
            let total = votes[one]! + votes[two]!
            if total > 0 {
                let interviewer = votes[one]! >= votes[two]! ? one : two
                return RoleGuess(interviewer: interviewer, candidate: interviewer == one ? two : one,
                                 confidence: Double(max(votes[one]!, votes[two]!)) / Double(total), basis: "question markers")
            }
        }
        func total(_ speaker: String) -> Double { turns.filter { $0.speaker == speaker }.reduce(0) { $0 + $1.duration_s } }
        func meanTurn(_ speaker: String) -> Double {
            let own = turns.filter { $0.speaker == speaker }
            return own.isEmpty ? 0 : total(speaker) / Double(own.count)
        }
        // Cues for `one` being the interviewer: +1 each, −1 against.
        var score = 1.0  // `one` spoke first
        let shareOne = total(one) / max(1e-9, total(one) + total(two))
        score += shareOne < 0.5 ? 1 : -1
        score += meanTurn(one) < meanTurn(two) ? 1 : -1
        let interviewer = score > 0 ? one : two
        // Confidence grows with agreement of the cues and with how lopsided the talk time is.
        let agreement = abs(score) / 3
        let confidence = min(0.95, 0.5 + 0.25 * agreement + 0.5 * abs(shareOne - 0.5))
        return RoleGuess(interviewer: interviewer, candidate: interviewer == one ? two : one,
                         confidence: confidence, basis: "conversation structure")
    }
}
