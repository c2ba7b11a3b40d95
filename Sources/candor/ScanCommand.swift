import ArgumentParser
import CandorReport
import CandorScan
import Foundation

/// `candor scan DIR|MANIFEST --db PATH [--jobs N] [--resume]` and `candor scan report --db PATH`.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Batch-scan an archive of recordings into a database, and report flags and links across it.",
        discussion: """
            `candor scan DIR|MANIFEST --db PATH` analyses every recording (each in its own \
            process, with a time limit) and stores the results; `candor scan report --db PATH` \
            prints the archive report. A folder named like a subcommand is given as ./report.
            """,
        subcommands: [ScanRunCommand.self, ScanReportCommand.self, ScanWorkerCommand.self],
        defaultSubcommand: ScanRunCommand.self)
}

struct ScanRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Scan a folder (recursively) or a candor.manifest/1 file into the database.",
        discussion: """
            A recording NAME.EXT is paired with the event log NAME.events.jsonl beside it. \
            Without --resume every recording found is analysed again; with --resume, recordings \
            finished earlier whose files and settings are unchanged are kept (a touched file is \
            hashed first and re-analysed only when its content changed), and interrupted ones \
            are redone.
            """)

    @Argument(help: ArgumentHelp("A folder of recordings, or a candor.manifest/1 file.", valueName: "DIR|MANIFEST"))
    var target: String

    @Option(help: ArgumentHelp("The scan database (SQLite); created if absent.", valueName: "PATH"))
    var db: String

    @Option(help: ArgumentHelp("Recordings analysed at once, each in its own process (default: the number of cores).",
                               valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Keep finished, unchanged recordings from earlier runs; redo interrupted ones.")
    var resume = false

    @Flag(help: "With --resume, also analyse failed and timed-out recordings again.")
    var retryFailed = false

    @Option(help: ArgumentHelp("Time limit per recording in seconds; a worker still running then is stopped.", valueName: "SECONDS"))
    var timeout: Double = 900

    @Option(help: ArgumentHelp("Thresholds file (see `candor config defaults`).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Address-space limit per worker in MB (0: none).", valueName: "MB"))
    var memoryLimit: Int = 4096

    @Flag(help: "Analyse what truncated recordings hold instead of failing them.")
    var acceptTruncated = false

    @Flag(help: "No progress display.")
    var quiet = false

    func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 256 (got \(jobs))") }
        guard timeout.isFinite, timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds (got \(timeout))") }
        guard memoryLimit == 0 || memoryLimit >= 64 else { throw ValidationError("--memory-limit must be 0 (none) or at least 64 MB (got \(memoryLimit))") }
        guard !retryFailed || resume else { throw ValidationError("--retry-failed only makes sense with --resume") }
    }

    func run() throws {
        // Read once: every worker gets this configuration in its request (the file may be a
        // pipe, `--config <(…)`, or change while the scan runs).
        let loaded = try config.map { try Configuration.load(path: $0) }
        let configuration = loaded ?? .defaults
        let items: [ScanItem]
        do { items = try Discovery.find(target) } catch let error as Discovery.DiscoveryError {
            throw CLIError.input(error.description)
        }
        let store: SQLiteScanStore
        let lock: ScanLock
        do {
            store = try SQLiteScanStore(path: db)
            lock = try ScanLock(store: db)
        } catch let error as ScanStoreError {
            throw CLIError.input(error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var options = ScanOptions(jobs: jobs, resume: resume, retryFailed: retryFailed, timeout_s: timeout, configuration: loaded,
                                  settingsKey: ScanOptions.settingsKey(toolVersion: CandorCommand.version, configuration: configuration,
                                                                       acceptTruncated: acceptTruncated),
                                  workerExecutable: executable)
        options.acceptTruncated = acceptTruncated
        options.memoryLimitMB = memoryLimit > 0 ? memoryLimit : nil
        let display = ScanProgressDisplay(mode: quiet ? .off : (isatty(STDERR_FILENO) == 1 ? .bar : .lines))
        let progress: ScanProgress
        do {
            progress = try Scanner(store: store, options: options).run(items) { event, progress in display.show(event, progress) }
        } catch let error as ScanStoreError {
            display.finish()
            throw CLIError.input(error.description)
        }
        display.finish()

        // The summary table: the state of every recording found (this run's results and those
        // kept from earlier runs), and the links across the whole store.
        let report = try ScanReport(stores: [store], threshold: configuration.voice.referenceThreshold)
        let found = Set(items.map(\.media))
        var state = ScanReport(rows: report.rows.filter { found.contains($0.path) }, groups: report.groups).summary
        state.groups = report.groups.count
        let elapsed = Date().timeIntervalSince(progress.started)
        var out = "Scanned \(items.count) recording\(items.count == 1 ? "" : "s") in \(Self.duration(elapsed)) -> \(db)"
        out += " (\(progress.analysed) analysed now, \(progress.kept + progress.unchanged) unchanged since an earlier run)\n"
        let lines: [(String, Int)] = [
            ("analysed", state.analysed), ("  flagged for review", state.flagged), ("  clear", state.clear),
            ("  inconclusive", state.inconclusive), ("failed", state.failed), ("timed out", state.timedOut),
            ("linked groups", state.groups),
        ]
        for (name, count) in lines { out += "  " + name.padding(toLength: 22, withPad: " ", startingAt: 0) + "\(count)\n" }
        out += "Details: candor scan report --db \(db) [--json|--csv|--html]\n"
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
    }
}

/// Progress on standard error: a redrawn bar on a terminal, one line per recording otherwise.
final class ScanProgressDisplay: @unchecked Sendable {
    enum Mode { case off, bar, lines }
    private let mode: Mode
    private let lock = NSLock()
    private var drawn = false

    init(mode: Mode) { self.mode = mode }

    func show(_ event: ScanEvent, _ progress: ScanProgress) {
        lock.lock()
        defer { lock.unlock() }
        switch mode {
        case .off:
            return
        case .lines:
            guard case .finished(let item, let outcome, let message, let seconds) = event else { return }
            var line = String(format: "candor: scan [%d/%d] %@ %@ (%.1f s)", progress.finished, progress.total, outcome.rawValue,
                              item.media, seconds)
            if let message { line += ": " + message }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        case .bar:
            if case .finished(let item, let outcome, let message?, _) = event, outcome == .failed || outcome == .timedOut {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(outcome.rawValue): \(item.media): \(message)\n".utf8))
            }
            let width = 24
            let fraction = progress.total > 0 ? Double(progress.finished) / Double(progress.total) : 1
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            var text = "\r\u{1B}[K[\(bar)] \(progress.finished)/\(progress.total)"
            text += " · \(progress.flagged) flagged · \(progress.failed + progress.timedOut) failed · \(progress.running) running"
            if let left = progress.secondsLeft { text += " · \(ScanRunCommand.duration(left)) left" }
            FileHandle.standardError.write(Data(text.utf8))
            drawn = true
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

struct ScanReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report a scan database: summary, flagged recordings, failures and linked groups.",
        discussion: "Give --db more than once to report the stores of several machines together (links span them).")

    @Option(help: ArgumentHelp("A scan database (repeatable).", valueName: "PATH"))
    var db: [String] = []

    @Flag(help: "Output format (default: text).")
    var format: ReportFormat = .text

    enum ReportFormat: String, EnumerableFlag {
        case text, json, csv, html
    }

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Thresholds file (its voice.reference_threshold decides voice links).", valueName: "FILE"))
    var config: String?

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("Missing expected argument '--db <PATH>'") }
    }

    func run() throws {
        let configuration = try config.map { try Configuration.load(path: $0) } ?? .defaults
        let report: ScanReport
        do {
            let stores = try db.map { try SQLiteScanStore(path: $0, readOnly: true) }
            report = try ScanReport(stores: stores, threshold: configuration.voice.referenceThreshold)
        } catch let error as ScanStoreError {
            throw CLIError.input(error.description)
        }
        let text: String
        switch format {
        case .text: text = report.text()
        case .json: text = report.json.canonical(pretty: true, decimals: 4) + "\n"
        case .csv: text = report.csv()
        case .html: text = report.html()
        }
        if let output {
            try AtomicFile.write(Data(text.utf8), to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// The worker process (`candor scan worker REQUEST RESULT`): analyses one recording and writes
/// its result atomically. Started by the scan, not by people.
struct ScanWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Internal: analyse one recording for a scan.",
                                                    shouldDisplay: false)

    @Argument var request: String
    @Argument var result: String

    func run() throws {
        ScanWorker.exitWhenOrphaned()
        guard let data = FileManager.default.contents(atPath: request),
              let request = try? JSONDecoder().decode(WorkerRequest.self, from: data) else {
            throw CLIError.usage("'\(self.request)': not a scan worker request (this command is started by `candor scan`)")
        }
        if let megabytes = request.memoryLimitMB { ScanWorker.limitMemory(megabytes: megabytes) }
        let outcome = try ScanWorker.run(request, toolVersion: CandorCommand.version)
        try AtomicFile.write(try JSONEncoder().encode(outcome), to: result)
    }
}
