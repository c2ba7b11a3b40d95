import ArgumentParser
import CandorDSP
import CandorMedia
import CandorPipeline
import Foundation

/// `candor features MEDIA`: what Candor hears — speech activity per source and who spoke when.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Show the speech Candor finds in each source and who spoke when.",
        discussion: """
            Decodes the role sources at 16 kHz in one pass and runs the DSP core: spectra, MFCCs, \
            YIN pitch and adaptive speech activity per source, then turn-taking (two sources, \
            with crosstalk resolved) or diarization (one mixed source).
            """)

    @Argument(help: ArgumentHelp("The recording.", valueName: "MEDIA"))
    var media: String

    @OptionGroup var roles: RoleOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let info = try Probe.describe(media)
        let assignment = try RoleAssignment.resolve(info: info, interviewer: roles.interviewerSpec, candidate: roles.candidateSpec)
        let named = assignment.namedSources.map { ($0.role, $0.spec) }
        guard !named.isEmpty else {
            throw MediaError(.noAudio, path: media, message: "has no audio stream", remedy: "Candor needs the interview's sound")
        }
        let features = try Analysis.decode(media: media, sources: named, keyboardSource: nil,
                                           speechSettings: SpeechFeatureSettings()).features
        var report = FeaturesReport(media: media, roles: assignment)
        for (name, _) in named {
            guard let source = features[name] else { continue }
            let voiced = source.f0Hz.filter { $0 > 0 }.sorted()
            report.sources.append(.init(name: name, speech_s: source.speechSeconds, segments: source.speech,
                                        medianF0Hz: voiced.isEmpty ? nil : Double(voiced[voiced.count / 2])))
        }
        if let interviewer = features["interviewer"], let candidate = features["candidate"] {
            report.turns = TwoSourceTurns().turns(interviewer: interviewer, candidate: candidate)
        } else if let mixed = features["mixed"] {
            let result = Diarization().diarize(mixed)
            report.turns = result.turns
            report.separation = result.separation
            report.roleGuess = Diarization.assignRoles(result.turns)
        }
        if json {
            CLIOutput.print(try CLIOutput.json(report))
            return
        }
        print("\(media): roles \(assignment.source) — \(assignment.note)")
        for source in report.sources {
            let pitch = source.medianF0Hz.map { String(format: ", median F0 %.0f Hz", $0) } ?? ""
            print(String(format: "  %@: %.1f s of speech in %d segment(s)%@", source.name as NSString, source.speech_s,
                         source.segments.count, pitch as NSString))
        }
        if let guess = report.roleGuess {
            print(String(format: "  diarized: %@ is the interviewer (%@, confidence %.2f); separation %.2f",
                         guess.interviewer as NSString, guess.basis as NSString, guess.confidence, report.separation ?? 0))
        }
        print("  turns:")
        for turn in report.turns {
            print(String(format: "    %8.2f – %8.2f s  %@", turn.start_s, turn.end_s, turn.speaker as NSString))
        }
    }
}

struct FeaturesReport: Encodable {
    struct Source: Encodable {
        var name: String
        var speech_s: Double
        var segments: [SpeechSegment]
        var medianF0Hz: Double?
        enum CodingKeys: String, CodingKey {
            case name, speech_s, segments
            case medianF0Hz = "median_f0_hz"
        }
    }
    var schema = "candor.features/1"
    var media: String
    var roles: RoleAssignment
    var sources: [Source] = []
    var turns: [SpeakerTurn] = []
    var separation: Double?
    var roleGuess: Diarization.RoleGuess?

    enum CodingKeys: String, CodingKey {
        case schema, media, roles, sources, turns, separation
        case roleGuess = "role_guess"
    }
}
