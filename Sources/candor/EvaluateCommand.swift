import ArgumentParser
import CandorPipeline
import CandorReport
import Foundation

/// `candor evaluate MANIFEST`: measure each detector on labelled media.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the detectors on a labelled corpus (candor.manifest/1) and tune thresholds.",
        discussion: """
            Analyses every case (--jobs at a time), then reports per detector the confusion matrix, \
            precision, recall, F1 and ROC AUC over the detector's score, and, where the manifest \
            has truth, keystroke precision/recall/F1 at ±30 ms, latency mean absolute error, \
            change-point error and clock-offset error. --sweep searches the main thresholds \
            (latency.flag_median_s, voice.minimum_effect, keyboard.minimum_window_keys) and \
            writes a configuration file.
            """)

    @Argument(help: ArgumentHelp("The manifest (candor.manifest/1 JSON).", valueName: "MANIFEST"))
    var manifest: String

    @Option(help: ArgumentHelp("Thresholds file to evaluate.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("Write the metrics as JSON here.", valueName: "PATH"))
    var json: String?

    @Option(help: ArgumentHelp("Cases analysed at once.", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Search the main thresholds and write the best configuration (see --sweep-output).")
    var sweep = false

    @Option(name: .customLong("max-false-alarm"),
            help: ArgumentHelp("With --sweep: choose the highest recall whose false-alarm rate stays at or below RATE.", valueName: "RATE"))
    var maxFalseAlarm: Double?

    @Option(name: .customLong("sweep-output"), help: ArgumentHelp("Where --sweep writes the configuration.", valueName: "PATH"))
    var sweepOutput: String = "candor-sweep.config.json"

    @Flag(help: "No progress display on standard error.")
    var quiet = false

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs \(jobs) is out of range: give 1 to 64") }
        if let rate = maxFalseAlarm, !(0...1).contains(rate) { throw ValidationError("--max-false-alarm must be between 0 and 1") }
        if maxFalseAlarm != nil && !sweep { throw ValidationError("--max-false-alarm goes with --sweep") }
    }

    func run() throws {
        let loaded: Manifest
        do { loaded = try Manifest.load(path: manifest) } catch let error as Manifest.LoadError {
            throw CLIError.input(error.description)
        }
        let configuration = try config.map { try Configuration.load(path: $0) } ?? .defaults
        let showProgress = !quiet && isatty(STDERR_FILENO) == 1
        let outcomes = Evaluation.run(loaded, configuration: configuration, jobs: jobs, toolVersion: CandorCommand.version) { done, total in
            if showProgress { FileHandle.standardError.write(Data("\rcandor: evaluated \(done)/\(total) ".utf8)) }
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let metrics = Evaluation.metrics(loaded, outcomes)
        if let json { try AtomicFile.write(Data((metrics.canonical() + "\n").utf8), to: json) }
        print(EvaluateCommand.table(metrics))
        for outcome in outcomes where outcome.error != nil { CLIOutput.warning("case '\(outcome.id)' failed: \(outcome.error!)") }
        if sweep {
            var tuned = configuration.json.object ?? [:]
            for (key, curve, chosen) in Evaluation.sweep(loaded, outcomes, configuration: configuration, maximumFalseAlarm: maxFalseAlarm) {
                print("\nsweep \(key):\n  threshold  precision  recall  F1     false-alarm")
                for point in curve {
                    func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "  - " }
                    print(String(format: "  %9.3f  %@       %@    %@   %@", point.threshold, f(point.confusion.precision), f(point.confusion.recall),
                                 f(point.confusion.f1), f(point.confusion.falseAlarmRate)))
                }
                print(chosen.map { String(format: "  chosen: %.3f (middle of the best range)", $0) } ?? "  chosen: none (no threshold fits)")
                if let chosen {
                    let parts = key.split(separator: ".").map(String.init)
                    var section = tuned[parts[0]]?.object ?? [:]
                    section[parts[1]] = .number(parts[1].hasSuffix("_keys") ? chosen.rounded(.up) : chosen)
                    tuned[parts[0]] = .object(section)
                }
            }
            tuned["schema"] = .string(Configuration.schema)
            try AtomicFile.write(Data((JSONValue.object(tuned).canonical() + "\n").utf8), to: sweepOutput)
            print("\nwrote \(sweepOutput)")
        }
    }

    static func table(_ metrics: JSONValue) -> String {
        func f(_ value: JSONValue?) -> String {
            guard let number = value?.number else { return "  -  " }
            return String(format: "%5.2f", number)
        }
        var lines = ["detector   cases  TP  FP  TN  FN  precision  recall  F1     ROC AUC  unmeasured"]
        for (id, row) in (metrics["detectors"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            let count = { (key: String) in Int(row[key]?.number ?? 0) }
            lines.append(String(format: "%@ %5d %3d %3d %3d %3d  %@      %@   %@  %@    %d",
                                id.padding(toLength: 10, withPad: " ", startingAt: 0) as NSString, count("cases"), count("true_positives"),
                                count("false_positives"), count("true_negatives"), count("false_negatives"), f(row["precision"]) as NSString,
                                f(row["recall"]) as NSString, f(row["f1"]) as NSString, f(row["roc_auc"]) as NSString,
                                row["unmeasured"]?.array?.count ?? 0))
        }
        let events = metrics["events"]
        lines.append("")
        lines.append("keystrokes (±30 ms): precision \(f(events?["keystrokes"]?["precision"])), recall \(f(events?["keystrokes"]?["recall"])), F1 \(f(events?["keystrokes"]?["f1"]))")
        lines.append("latency mean absolute error: \(f(events?["latency_mae_s"])) s over \(Int(events?["latency_pairs"]?.number ?? 0)) pairs")
        lines.append("change-point error: \(f(events?["change_point_error_s"])) s (missed \(Int(events?["change_points_missed"]?.number ?? 0)))")
        lines.append("clock-offset error: \(f(events?["clock_offset_error_s"])) s over \(Int(events?["clock_offset_cases"]?.number ?? 0)) cases")
        return lines.joined(separator: "\n")
    }
}
