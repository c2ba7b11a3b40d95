import CandorDSP
import CandorDetectors
import CandorReport
import Testing

/// An interview of `count` questions (2 s each) answered after `gaps[i]` seconds with 6 s answers.
func interview(gaps: [Double], questionSeconds: Double = 2, answerSeconds: Double = 6) -> [SpeakerTurn] {
    var turns: [SpeakerTurn] = []
    var t = 1.0
    for gap in gaps {
        turns.append(SpeakerTurn(speaker: "interviewer", start_s: t, end_s: t + questionSeconds))
        let answer = t + questionSeconds + gap
        turns.append(SpeakerTurn(speaker: "candidate", start_s: answer, end_s: answer + answerSeconds))
        t = answer + answerSeconds + 1
    }
    return turns
}

@Suite("Latency detector")
struct LatencyDetectorTests {
    let detector = LatencyDetector()

    @Test func ordinaryInterviewIsOK() {
        let result = detector.detect(turns: interview(gaps: [0.6, 0.9, 1.2, 0.4, 1.5, 0.8]), rolesFrom: "options")
        #expect(result.status == .ok)
        #expect(result.flags.isEmpty)
        #expect(abs((result.fields["median_s"]?.number ?? 0) - 0.85) < 1e-9)
        #expect(result.fields["turns"]?.array?.count == 6)
        #expect(result.score < 0.2)
    }

    @Test func relayedAnswersAreFlaggedTurnByTurn() {
        let result = detector.detect(turns: interview(gaps: [3.4, 4.1, 2.9, 3.8, 5.6, 1.0]), rolesFrom: "options")
        #expect(result.status == .flagged)
        #expect(result.flags.count == 5, "every slow answer is evidence; the quick one is not")
        let long = result.flags.first { abs(($0.evidence["latency_s"]?.number ?? 0) - 5.6) < 1e-9 }
        #expect(long?.severity == .high)
        #expect(long?.evidence["threshold_s"]?.number == 2.5)
        #expect(result.score > 0.8)
        let p90 = result.fields["p90_s"]?.number ?? 0
        #expect(p90 > 4.1 && p90 < 5.6)
    }

    @Test("one slow answer to a hard question is not a flag")
    func oneSlowAnswer() {
        let result = detector.detect(turns: interview(gaps: [0.7, 0.8, 6.0, 0.9, 0.6]), rolesFrom: "options")
        #expect(result.status == .ok)
        let turns = result.fields["turns"]?.array ?? []
        #expect(turns.compactMap { $0["flagged"] }.filter { $0 == .bool(true) }.count == 1)
    }

    @Test func fewerThanFourPairsIsInconclusive() {
        let result = detector.detect(turns: interview(gaps: [4, 4, 4]), rolesFrom: "options")
        #expect(result.status == .inconclusive)
        #expect(result.reason.contains("at least 4"))
    }

    @Test func missingRoleIsSkipped() {
        let result = detector.detect(turns: [SpeakerTurn(speaker: "candidate", start_s: 0, end_s: 5)], rolesFrom: "options")
        #expect(result.status == .skipped)
        #expect(result.fields["turns"] == .array([]) && result.fields["median_s"] == .null, "contract fields stay present")
    }

    @Test("backchannels during the question are not answers; overlapping answers count, negative")
    func backchannelsAndOverlap() {
        var turns = interview(gaps: [0.5, 0.5, 0.5, 0.5])
        // "mm-hm" in the middle of the first question, and the third answer starts 0.4 s before the question ends.
        turns.append(SpeakerTurn(speaker: "candidate", start_s: 1.5, end_s: 1.8))
        let third = turns.firstIndex { $0.speaker == "candidate" && $0.start_s > 17 }!
        turns[third].start_s -= 0.9
        let pairs = detector.pairs(turns: turns)
        #expect(pairs.count == 4)
        #expect(abs(pairs[0].latency_s - 0.5) < 1e-9, "the backchannel is ignored")
        #expect(abs(pairs[2].latency_s + 0.4) < 1e-9, "overlap gives a negative latency")
    }

    @Test("a follow-up before any answer extends the question")
    func rephrasedQuestion() {
        let turns = [SpeakerTurn(speaker: "interviewer", start_s: 0, end_s: 2), SpeakerTurn(speaker: "interviewer", start_s: 4, end_s: 5),
                     SpeakerTurn(speaker: "candidate", start_s: 5.8, end_s: 10)]
        let pairs = detector.pairs(turns: turns)
        #expect(pairs.count == 1)
        #expect(abs(pairs[0].latency_s - 0.8) < 1e-9)
    }

    /// "Yes." (0.6 s), a 0.9 s pause, then the rest of the answer: the answer starts at "Yes".
    /// But a short reply after which the interviewer goes on is a backchannel.
    @Test("a short first sentence continues into its answer; a reply the interviewer talks over is a backchannel")
    func shortFirstSentence() {
        let turns = [SpeakerTurn(speaker: "interviewer", start_s: 0, end_s: 3),
                     SpeakerTurn(speaker: "candidate", start_s: 3.7, end_s: 4.3),
                     SpeakerTurn(speaker: "candidate", start_s: 5.2, end_s: 9),
                     SpeakerTurn(speaker: "interviewer", start_s: 10, end_s: 13),
                     SpeakerTurn(speaker: "candidate", start_s: 13.5, end_s: 14),      // "Right."
                     SpeakerTurn(speaker: "interviewer", start_s: 14.2, end_s: 15),   // …and the question goes on
                     SpeakerTurn(speaker: "candidate", start_s: 15.4, end_s: 20)]
        let pairs = detector.pairs(turns: turns)
        #expect(pairs.count == 2)
        #expect(abs((pairs.first?.latency_s ?? 0) - 0.7) < 1e-9, "\(pairs)")
        #expect(abs((pairs.last?.latency_s ?? 0) - 0.4) < 1e-9, "\(pairs)")
    }

    @Test("question markers pick which interviewer speech is a question")
    func markers() {
        var turns = interview(gaps: [0.5, 3.5, 0.5, 3.5, 0.5])
        let withMarkers = detector.pairs(turns: turns, questions: [10...13, 32...35])
        #expect(withMarkers.count == 2)
        #expect(withMarkers.allSatisfy { abs($0.latency_s - 3.5) < 1e-9 })
        turns.removeAll()
        #expect(detector.pairs(turns: turns).isEmpty)
    }

    @Test("thresholds come from the configuration")
    func configurable() {
        var settings = Configuration.Latency()
        settings.slowAnswerSeconds = 0.7
        settings.flagMedianSeconds = 0.7
        let result = LatencyDetector(settings: settings).detect(turns: interview(gaps: [0.8, 0.9, 0.8, 0.75]), rolesFrom: "options")
        #expect(result.status == .flagged)
    }
}
