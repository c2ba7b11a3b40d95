import ArgumentParser
import CandorDetectors
import CandorPipeline
import CandorReport
import Foundation

/// `candor voiceprint MEDIA [--candidate SPEC] -o FILE`.
struct VoiceprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voiceprint",
        abstract: "Write a compact voiceprint of the candidate (no audio) to compare later interviews with.",
        discussion: "Use it with `candor analyze … --reference FILE` (repeatable).")

    @Argument(help: ArgumentHelp("The recording.", valueName: "MEDIA"))
    var media: String

    @OptionGroup var roles: RoleOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the voiceprint (JSON).", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("Thresholds file.", valueName: "FILE"))
    var config: String?

    func run() throws {
        let configuration = try config.map { try Configuration.load(path: $0) } ?? .defaults
        let options = AnalysisOptions(media: media, interviewer: roles.interviewerSpec, candidate: roles.candidateSpec,
                                      configuration: configuration, toolVersion: CandorCommand.version)
        let voiceprint = try Analysis.analyse(options).voiceprint
        guard let voiceprint else {
            throw CLIError.input("'\(media)': too little candidate speech for a voiceprint (need a few seconds)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let value = try JSONValue.from(voiceprint)
        try AtomicFile.write(Data((value.canonical(decimals: 5) + "\n").utf8), to: output)
        print(String(format: "%@: voiceprint of %.1f s of candidate speech (%d windows) -> %@", media, voiceprint.speech_s,
                     voiceprint.windows, output))
    }
}
