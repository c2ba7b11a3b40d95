import Foundation

/// The terminal summary of a ``Report``: what was analysed, each detector's status with its
/// key figure, and the top flags with times. Colour only when asked (a terminal, no NO_COLOR).
public struct TextRenderer: Sendable {
    public var colour: Bool
    public var maximumFlags: Int

    public init(colour: Bool = false, maximumFlags: Int = 10) {
        self.colour = colour
        self.maximumFlags = maximumFlags
    }

    /// Whether standard output should be coloured: a terminal, and NO_COLOR unset (no-color.org).
    public static var shouldColourStandardOutput: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    public func render(_ report: Report) -> String {
        var lines: [String] = []
        let overall = report.overall
        lines.append(bold("Candor report") + " — \(report.input.media) (" + TextRenderer.clock(report.input.duration_s) + ")")
        var roleLine = "Roles: "
        let roles = report.input.roles
        if roles.source == "diarized" {
            roleLine += "one mixed source \(roles.mixed ?? "?"), speakers separated by diarization"
            if let confidence = roles.assignmentConfidence, let basis = roles.assignmentBasis {
                roleLine += String(format: " (interviewer chosen by %@, confidence %.2f)", basis, confidence)
            }
        } else {
            roleLine += "interviewer \(roles.interviewer ?? "—"), candidate \(roles.candidate ?? "—") (from \(roles.source))"
        }
        lines.append(roleLine)
        if let events = report.input.events { lines.append("Events: \(events)") }
        for warning in report.input.warnings { lines.append(paint("warning: ", .yellow) + warning) }
        lines.append("")
        let statusWord = overall.status.uppercased()
        let statusColour: Colour = overall.status == "review" ? .red : overall.status == "clear" ? .green : .yellow
        lines.append("Overall: " + paint(bold(statusWord), statusColour) + String(format: " (score %.2f) — ", overall.score) + overall.summary)
        lines.append("")
        for id in report.detectors.keys.sorted() {
            let result = report.detectors[id]!
            let colour: Colour = switch result.status {
            case .flagged: .red
            case .ok: .green
            case .inconclusive: .yellow
            case .skipped: .dim
            }
            let name = id.padding(toLength: 10, withPad: " ", startingAt: 0)
            let status = result.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
            lines.append("  \(name)" + paint(status, colour) + result.reason)
        }
        let flags = report.flags
        if !flags.isEmpty {
            lines.append("")
            lines.append(bold("Flags") + " (most severe first):")
            for flag in flags.prefix(maximumFlags) {
                let colour: Colour = flag.severity == .high ? .red : flag.severity == .medium ? .yellow : .dim
                let severity = flag.severity.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)
                let range = "\(TextRenderer.clock(flag.start_s))–\(TextRenderer.clock(flag.end_s))"
                lines.append("  " + paint(severity, colour) + range.padding(toLength: 20, withPad: " ", startingAt: 0)
                             + flag.detector.padding(toLength: 10, withPad: " ", startingAt: 0) + flag.title)
            }
            if flags.count > maximumFlags { lines.append("  … and \(flags.count - maximumFlags) more in the JSON/HTML report") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `m:ss.s` for times under an hour, `h:mm:ss` above.
    public static func clock(_ seconds: Double) -> String {
        let value = max(0, seconds)
        if value >= 3600 {
            let total = Int(value.rounded())
            return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
        }
        let minutes = Int(value / 60)
        return String(format: "%d:%04.1f", minutes, value - Double(minutes) * 60)
    }

    enum Colour: String {
        case red = "31", green = "32", yellow = "33", dim = "2"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        colour_ ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func bold(_ text: String) -> String { colour_ ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

    private var colour_: Bool { colour }
}
