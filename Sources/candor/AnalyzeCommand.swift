import ArgumentParser
import CandorDetectors
import CandorEvents
import CandorMedia
import CandorPipeline
import CandorReport
import Foundation

/// `candor analyze MEDIA`: the report a hiring manager reads.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse one interview recording (and its event log) and report the evidence.",
        discussion: """
            Prints a summary on the terminal; --json and --html write the full report \
            (candor.report/1). Exit status: 0 analysed, whatever was found; 1 when --fail-on is \
            met; 2 usage error; 3 unreadable or invalid input.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        /// Exit 1 when the overall status is `review` or `inconclusive` (a human should look).
        case review
        /// Exit 1 only when a detector flagged something.
        case flagged
    }

    @Argument(help: ArgumentHelp("The recording (any container FFmpeg reads).", valueName: "MEDIA"))
    var media: String

    @Option(help: ArgumentHelp("The interview platform's event log (candor.events/1 JSON Lines).", valueName: "LOG"))
    var events: String?

    @OptionGroup var roles: RoleOptions

    @Option(help: ArgumentHelp("Thresholds file (JSON; any subset of `candor config defaults`).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "PATH"))
    var json: String?

    @Option(help: ArgumentHelp("Write the self-contained HTML report here.", valueName: "PATH"))
    var html: String?

    @Option(help: ArgumentHelp("What to print on standard output: text or json.", valueName: "FORMAT"))
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"),
            help: ArgumentHelp("Exit 1 when the outcome is 'review' (review or inconclusive) or 'flagged' (something flagged).",
                               valueName: "WHEN"))
    var failOn: FailOn?

    @Option(name: .customLong("reference"),
            help: ArgumentHelp("A voiceprint of an earlier interview (candor voiceprint) to compare the candidate with; repeatable.",
                               valueName: "FILE"))
    var references: [String] = []

    @Flag(name: .customLong("accept-truncated"), help: "Analyse what a cut-short recording holds instead of refusing it.")
    var acceptTruncated = false

    @Option(name: .customLong("events-format"),
            help: ArgumentHelp("The event log's format: native (candor.events/1), asciicast, rrweb, or auto.", valueName: "FORMAT"))
    var eventsFormat: EventLogFormat = .auto

    @Flag(name: .customLong("lenient-events"), help: "Skip malformed event-log lines (the report counts them) instead of refusing the log.")
    var lenientEvents = false

    @Flag(help: "No progress display on standard error.")
    var quiet = false

    func validate() throws {
        for path in [json, html].compactMap({ $0 }) {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("cannot write '\(path)': folder '\(folder)' does not exist")
            }
        }
    }

    func run() throws {
        let configuration = try config.map { try Configuration.load(path: $0) } ?? .defaults
        if let events, !FileManager.default.fileExists(atPath: events) {
            throw CLIError.input("'\(events)': no such event log; check the path")
        }
        var options = AnalysisOptions(media: media, events: events, interviewer: roles.interviewerSpec,
                                      candidate: roles.candidateSpec, configuration: configuration,
                                      acceptTruncated: acceptTruncated, lenientEvents: lenientEvents, references: references,
                                      toolVersion: CandorCommand.version)
        options.eventsFormat = eventsFormat
        let progress = ProgressDisplay(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        let report: Report
        do { report = try Analysis.run(options) { progress.update(fraction: $0) } } catch let error as EventLogError {
            throw CLIError.input(error.description + " (use --lenient-events to skip bad lines)")
        }
        progress.finish()
        let jsonText = report.json.canonical() + "\n"
        if let json { try AtomicFile.write(Data(jsonText.utf8), to: json) }
        if let html { try AtomicFile.write(Data(HTMLRenderer().render(report).utf8), to: html) }
        switch format {
        case .json: print(jsonText, terminator: "")
        case .text: print(TextRenderer(colour: TextRenderer.shouldColourStandardOutput).render(report), terminator: "")
        }
        let overall = report.overall.status
        switch failOn {
        case .review? where overall == "review" || overall == "inconclusive": throw ExitCode(ExitStatus.failOn)
        case .flagged? where overall == "review": throw ExitCode(ExitStatus.failOn)
        default: break
        }
    }
}

/// Percentage and time left on standard error, redrawn in place; only on a terminal.
final class ProgressDisplay {
    private let enabled: Bool
    private let started = Date()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(fraction: Double) {
        guard enabled, fraction > 0 else { return }
        let elapsed = Date().timeIntervalSince(started)
        guard elapsed > 0.5 else { return }
        let left = elapsed / fraction * (1 - fraction)
        let text = String(format: "\rcandor: analysing %3.0f%%, about %.0f s left ", fraction * 100, left)
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
