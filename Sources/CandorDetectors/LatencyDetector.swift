import CandorDSP
import CandorReport
import Foundation

/// `detectors.latency`: how long the candidate takes to start answering.
///
/// A relayed answer — whispered, typed or read from someone else — starts seconds late, and
/// does so on most questions. People start their turn within a few hundred milliseconds in
/// person; over a video call gaps roughly double, and interview answers still typically start
/// within about 1–1.5 s. One slow answer to a hard question is normal; the flag needs the
/// median latency *and* a majority of slow answers.
public struct LatencyDetector: Sendable {
    public static let id = "latency"
    public let settings: Configuration.Latency

    public init(settings: Configuration.Latency = .init()) { self.settings = settings }

    /// One question and the answer paired with it.
    public struct Pair: Sendable, Equatable {
        public var questionStart_s: Double
        public var questionEnd_s: Double
        public var answerStart_s: Double
        public var latency_s: Double { answerStart_s - questionEnd_s }
    }

    /// Pairs each question with the candidate's answer.
    /// - Parameters:
    ///   - turns: speech turns labelled `interviewer` and `candidate`, in any order.
    ///   - questions: question intervals from the event log (media time), if any; they decide
    ///     which interviewer speech is a question.
    public func pairs(turns: [SpeakerTurn], questions: [ClosedRange<Double>] = []) -> [Pair] {
        let sorted = turns.sorted { $0.start_s < $1.start_s }
        let interviewer = sorted.filter { $0.speaker == "interviewer" }
        let candidate = sorted.filter { $0.speaker == "candidate" }
        // Answers: candidate speech long enough, with its continuation, not to be a backchannel.
        // It continues while more candidate speech follows within `answerContinuationSeconds`
        // and the interviewer says nothing in between (a backchannel is followed by the
        // interviewer going on; a short first sentence by the rest of the answer).
        func interviewerSpeaks(between from: Double, and to: Double) -> Bool {
            let next = interviewer.partitionIndex { $0.start_s <= from }
            return next < interviewer.count && interviewer[next].start_s < to
        }
        var answers: [(start: Double, end: Double)] = []
        var index = 0
        while index < candidate.count {
            var end = candidate[index].end_s
            var next = index + 1
            while next < candidate.count && candidate[next].start_s - end < settings.answerContinuationSeconds
                && (candidate[next].start_s - end < 0.5 || !interviewerSpeaks(between: end, and: candidate[next].start_s)) {
                end = max(end, candidate[next].end_s)
                next += 1
            }
            if end - candidate[index].start_s >= settings.minimumAnswerSeconds {
                answers.append((candidate[index].start_s, end))
            }
            index = next
        }
        // Questions: interviewer speech between two answers forms one question (a question and
        // its rephrasing are one question; its end is where the candidate's wait begins).
        var blocks: [(start: Double, end: Double)] = []
        for turn in interviewer {
            // An answer counts from the second half of a question on (answers may overlap its end).
            if var last = blocks.last,
               !answers.contains(where: { $0.start > last.start + 0.5 * (last.end - last.start) && $0.start < turn.start_s }) {
                last.end = max(last.end, turn.end_s)
                blocks[blocks.count - 1] = last
            } else {
                blocks.append((turn.start_s, turn.end_s))
            }
        }
        if !questions.isEmpty {
            // With markers, only interviewer speech overlapping a marked question counts.
            blocks = blocks.filter { block in
                questions.contains { $0.lowerBound <= block.end + 1 && $0.upperBound >= block.start - 1 }
            }
        } else {
            blocks = blocks.filter { $0.end - $0.start >= settings.minimumQuestionSeconds }
        }
        var result: [Pair] = []
        var used = Set<Int>()
        for (blockIndex, block) in blocks.enumerated() {
            let nextQuestion = blockIndex + 1 < blocks.count ? blocks[blockIndex + 1].start : .infinity
            // The answer: the first substantive candidate speech that starts in the second half
            // of the question (an overlapping answer) or after it, before the next question.
            let overlapLimit = block.start + 0.5 * (block.end - block.start)
            guard let answerIndex = answers.indices.first(where: {
                !used.contains($0) && answers[$0].start > overlapLimit && answers[$0].start < nextQuestion
                    && answers[$0].start - block.end <= settings.maximumLatencySeconds
            }) else { continue }
            used.insert(answerIndex)
            result.append(Pair(questionStart_s: block.start, questionEnd_s: block.end, answerStart_s: answers[answerIndex].start))
        }
        return result
    }

    public func detect(turns: [SpeakerTurn], questions: [ClosedRange<Double>] = [], rolesFrom: String) -> DetectorResult {
        let speakers = Set(turns.map(\.speaker))
        guard speakers.contains("interviewer"), speakers.contains("candidate") else {
            // DESIGN.md's fields are always present, empty when nothing was measured.
            return .skipped(Self.id, "needs speech from both the interviewer and the candidate; found \(speakers.isEmpty ? "no speech" : speakers.sorted().joined(separator: " and ")) only",
                            fields: ["median_s": .null, "p90_s": .null, "turns": .array([])])
        }
        let pairs = self.pairs(turns: turns, questions: questions)
        let latencies = pairs.map(\.latency_s).sorted()
        let turnsJSON = JSONValue.array(pairs.map { pair in
            .object(["question_end_s": .number(pair.questionEnd_s), "answer_start_s": .number(pair.answerStart_s),
                     "latency_s": .number(pair.latency_s), "flagged": .bool(pair.latency_s > settings.slowAnswerSeconds)])
        })
        var fields: [String: JSONValue] = [
            "turns": turnsJSON, "median_s": JSONValue(LatencyDetector.quantile(latencies, 0.5)),
            "p90_s": JSONValue(LatencyDetector.quantile(latencies, 0.9)), "pairs": JSONValue(pairs.count),
            "questions_from": .string(questions.isEmpty ? "speech turns" : "event log question markers"),
            "roles_from": .string(rolesFrom),
        ]
        guard pairs.count >= settings.minimumPairs else {
            fields["median_s"] = JSONValue(LatencyDetector.quantile(latencies, 0.5))
            return .inconclusive(Self.id, "only \(pairs.count) question–answer pair\(pairs.count == 1 ? "" : "s") found; at least \(settings.minimumPairs) are needed to judge consistency", fields: fields)
        }
        let median = LatencyDetector.quantile(latencies, 0.5) ?? 0
        let slow = pairs.filter { $0.latency_s > settings.slowAnswerSeconds }
        let slowFraction = Double(slow.count) / Double(pairs.count)
        fields["slow_fraction"] = .number(slowFraction)
        // Score: half from how far the median sits between 1 s (normal) and 3 s (relayed),
        // half from the share of slow answers.
        let medianPart = min(1, max(0, (median - 1.0) / 2.0))
        let score = 0.5 * medianPart + 0.5 * slowFraction
        let flagged = median >= settings.flagMedianSeconds && slowFraction >= settings.flagSlowFraction
        var flags: [EvidenceFlag] = []
        if flagged {
            for pair in slow {
                let severity: Severity = pair.latency_s > 2 * settings.slowAnswerSeconds ? .high : .medium
                flags.append(EvidenceFlag(detector: Self.id, severity: severity, start_s: pair.questionEnd_s, end_s: pair.answerStart_s,
                                  title: String(format: "Answer began %.1f s after the question", pair.latency_s),
                                  detail: String(format: "The interviewer stopped at %.1f s; the candidate began answering at %.1f s. Over the interview, %d of %d answers started later than %.1f s (median %.1f s).",
                                                 pair.questionEnd_s, pair.answerStart_s, slow.count, pairs.count,
                                                 settings.slowAnswerSeconds, median),
                                  evidence: ["question_start_s": .number(pair.questionStart_s), "question_end_s": .number(pair.questionEnd_s),
                                             "answer_start_s": .number(pair.answerStart_s), "latency_s": .number(pair.latency_s),
                                             "threshold_s": .number(settings.slowAnswerSeconds)]))
            }
        }
        let reason = String(format: "%d question–answer pairs: median latency %.2f s, %d slow (over %.1f s); flag needs a median of %.1f s and %.0f%% slow",
                            pairs.count, median, slow.count, settings.slowAnswerSeconds, settings.flagMedianSeconds,
                            settings.flagSlowFraction * 100)
        return DetectorResult(id: Self.id, status: flagged ? .flagged : .ok, score: score, reason: reason, fields: fields, flags: flags)
    }

    /// Linear-interpolated quantile of sorted values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(sorted.count - 1, lower + 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
