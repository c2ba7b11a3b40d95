import ArgumentParser
import CandorMedia
import Foundation

/// `candor probe MEDIA [--json]`: streams, codecs, durations, and the roles analyze would use.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Describe a recording's container and streams, and the roles analyze would assign.")

    @Argument(help: ArgumentHelp("The recording (any container FFmpeg reads).", valueName: "MEDIA"))
    var media: String

    @OptionGroup var roles: RoleOptions

    @Flag(help: "Print JSON (schema candor.probe/1) instead of text.")
    var json = false

    func run() throws {
        let info = try Probe.describe(media)
        let assignment = try RoleAssignment.resolve(info: info, interviewer: roles.interviewerSpec,
                                                    candidate: roles.candidateSpec)
        for case .file(let path) in assignment.sources {
            _ = try Probe.describe(path)
        }
        if json {
            CLIOutput.print(try CLIOutput.json(ProbeReport(media: info, roles: assignment)))
        } else {
            print(ProbeText.render(info: info, roles: assignment), terminator: "")
        }
    }
}

/// The JSON document `probe --json` prints.
struct ProbeReport: Encodable {
    var schema = "candor.probe/1"
    var media: MediaInfo
    var roles: RoleAssignment
}

enum ProbeText {
    static func render(info: MediaInfo, roles: RoleAssignment) -> String {
        var lines: [String] = [info.path]
        var container = "  container  \(info.container)"
        if let long = info.containerLongName { container += " (\(long))" }
        if let duration = info.duration_s { container += String(format: ", %.3f s", duration) }
        if let rate = info.bitRate { container += ", \(rate / 1000) kb/s" }
        lines.append(container)
        for stream in info.streams {
            var line = "  #\(stream.index) \((stream.spec ?? "-").padding(toLength: 4, withPad: " ", startingAt: 0)) \(stream.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(stream.codec)"
            if let profile = stream.profile { line += " (\(profile))" }
            if let rate = stream.sampleRateHz { line += " \(rate) Hz" }
            if let layout = stream.channelLayout { line += " \(layout)" }
            if let channels = stream.channels { line += " [\(channels) ch]" }
            if let w = stream.width, let h = stream.height { line += " \(w)x\(h)" }
            if let fps = stream.framesPerSecond { line += String(format: " %.2f fps", fps) }
            if stream.attachedPicture { line += " (cover art)" }
            line += String(format: "  start %.3f s", stream.start_s)
            if let duration = stream.duration_s { line += String(format: "  duration %.3f s", duration) }
            if let title = stream.title { line += "  title \"\(title)\"" }
            if let handler = stream.handler { line += "  handler \"\(handler)\"" }
            if let language = stream.language { line += "  lang \(language)" }
            if !stream.decodable { line += "  (no decoder)" }
            lines.append(line)
        }
        var roleLine = "  roles      "
        switch roles.source {
        case .none: roleLine += "none"
        case .diarized: roleLine += "mixed \(roles.mixed?.description ?? "-") (diarized)"
        default:
            roleLine += "interviewer \(roles.interviewer?.description ?? "-"), candidate \(roles.candidate?.description ?? "-") (\(roles.source))"
        }
        lines.append(roleLine)
        lines.append("             \(roles.note)")
        return lines.joined(separator: "\n") + "\n"
    }
}
