import CandorDSP
import CandorMedia
import CandorTestSupport
import Foundation
import Testing

/// Both tracks of the sample interview, decoded at 16 kHz.
func sampleTracks() throws -> (interviewer: [Float], candidate: [Float]) {
    let reader = try MediaReader(path: SpeechActivityTests.sample, audio: [
        AudioRequest(source: .stream(0), sampleRateHz: 16000), AudioRequest(source: .stream(1), sampleRateHz: 16000),
    ])
    var tracks: [[Float]] = [[], []]
    while let chunk = try reader.next() {
        if case .audio(let block) = chunk { tracks[block.request] += block.samples }
    }
    return (tracks[0], tracks[1])
}

/// Diarization error rate on a 10 ms grid with a ±collar around reference boundaries,
/// under the best mapping of hypothesis labels to reference roles.
func diarizationErrorRate(reference: [Turn], hypothesis: [SpeakerTurn], duration: Double, collar: Double = 0.25) -> Double {
    let step = 0.01
    let frames = Int(duration / step)
    func referenceLabel(_ t: Double) -> String? {
        reference.first { t >= $0.speech_start_s && t < $0.speech_end_s }?.role
    }
    func excluded(_ t: Double) -> Bool {
        reference.contains { abs(t - $0.speech_start_s) < collar || abs(t - $0.speech_end_s) < collar }
    }
    let labels = Array(Set(hypothesis.map(\.speaker))).sorted()
    let roles = ["interviewer", "candidate"]
    var best = Double.infinity
    for mapping in [[0, 1], [1, 0]] {
        var errors = 0, speech = 0
        for i in 0..<frames {
            let t = (Double(i) + 0.5) * step
            if excluded(t) { continue }
            let truth = referenceLabel(t)
            let turn = hypothesis.first { t >= $0.start_s && t < $0.end_s }
            var said: String? = nil
            if let turn, let index = labels.firstIndex(of: turn.speaker) { said = index < 2 ? roles[mapping[index]] : "other" }
            if truth != nil { speech += 1 }
            if truth != said { errors += 1 }
        }
        best = min(best, Double(errors) / Double(max(1, speech)))
    }
    return best
}

@Suite("Who spoke when")
struct TurnsTests {
    @Test("two tracks: turns alternate as in the sample's truth")
    func twoTracks() throws {
        let tracks = try sampleTracks()
        let turns = TwoSourceTurns().turns(interviewer: try features(of: tracks.interviewer), candidate: try features(of: tracks.candidate))
        let truth = try sampleTurns()
        let der = diarizationErrorRate(reference: truth, hypothesis: turns, duration: 43.8)
        #expect(der < 0.05, "DER \(der)")
        #expect(Set(turns.map(\.speaker)) == ["interviewer", "candidate"])
    }

    @Test("bleed of the interviewer into the candidate's track is not the candidate speaking")
    func bleed() throws {
        let tracks = try sampleTracks()
        // The interviewer leaks into the candidate's microphone 26 dB down (speaker playback).
        let leaky = zip(tracks.candidate, tracks.interviewer).map { $0 + 0.05 * $1 }
        let candidate = try features(of: leaky)
        // Without crosstalk handling the leak is detected as candidate speech…
        let leakSpeech = candidate.speech.filter { segment in
            try! sampleTurns().contains { $0.role == "interviewer" && segment.start_s < $0.speech_end_s && segment.end_s > $0.speech_start_s }
        }
        #expect(!leakSpeech.isEmpty, "the leak should be audible to speech activity")
        // …and the turn builder gives those frames to the interviewer.
        let turns = TwoSourceTurns().turns(interviewer: try features(of: tracks.interviewer), candidate: candidate)
        let der = diarizationErrorRate(reference: try sampleTurns(), hypothesis: turns, duration: 43.8)
        #expect(der < 0.05, "DER \(der) with bleed")
    }

    @Test("genuine overlap keeps both speakers")
    func overlap() throws {
        let a = Signals.vowel(seconds: 3, f0: 120), b = Signals.vowel(seconds: 3, f0: 210)
        let silence = [Float](repeating: 0, count: 16000)
        let first = silence + a + silence + silence
        let second = silence + silence + Array(b[0..<16000]) + Array(b[16000...]) + silence[0..<0]
        let turns = TwoSourceTurns().turns(interviewer: try features(of: first), candidate: try features(of: Array(second) + [Float](repeating: 0, count: max(0, first.count - second.count))))
        let interviewer = turns.filter { $0.speaker == "interviewer" }, candidate = turns.filter { $0.speaker == "candidate" }
        #expect(interviewer.count == 1 && candidate.count == 1)
        #expect(abs((interviewer.first?.end_s ?? 0) - 4) < 0.05)
        #expect(abs((candidate.first?.start_s ?? 0) - 2) < 0.05, "the candidate talks over the last 2 s")
    }

    @Test("one mixed track: diarization recovers the two voices")
    func mixedTrack() throws {
        let tracks = try sampleTracks()
        let mixed = zip(tracks.interviewer, tracks.candidate).map { $0 + $1 }
        let result = Diarization().diarize(try features(of: mixed))
        let der = diarizationErrorRate(reference: try sampleTurns(), hypothesis: result.turns, duration: 43.8)
        print("mixed-track DER on the sample interview: \(der)")
        #expect(der < 0.15, "DER \(der)")
        let roles = try #require(Diarization.assignRoles(result.turns))
        #expect(roles.basis == "conversation structure")
        let firstTurn = try #require(result.turns.first)
        #expect(roles.interviewer == firstTurn.speaker, "the interviewer opens the conversation")
    }

    @Test("question markers decide the interviewer")
    func rolesFromQuestions() throws {
        let turns = [SpeakerTurn(speaker: "speaker 1", start_s: 0, end_s: 5), SpeakerTurn(speaker: "speaker 2", start_s: 6, end_s: 8),
                     SpeakerTurn(speaker: "speaker 1", start_s: 9, end_s: 20), SpeakerTurn(speaker: "speaker 2", start_s: 21, end_s: 23)]
        let roles = try #require(Diarization.assignRoles(turns, questions: [6...8, 21...23]))
        #expect(roles.interviewer == "speaker 2" && roles.basis == "question markers" && roles.confidence == 1)
        let structural = try #require(Diarization.assignRoles(turns))
        #expect(structural.interviewer == "speaker 2", "speaker 2 talks less, in shorter turns")
        #expect(structural.confidence < 0.95)
    }
}
