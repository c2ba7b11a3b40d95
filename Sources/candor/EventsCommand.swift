import ArgumentParser
import CandorEvents
import CandorReport
import Foundation

/// `candor events validate|stats LOG`.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Check and summarise an interview platform's event log (candor.events/1).",
        subcommands: [Validate.self, Stats.self])

    struct LogOptions: ParsableArguments {
        @Argument(help: ArgumentHelp("The event log (JSON Lines).", valueName: "LOG"))
        var log: String

        @Flag(name: .customLong("lenient-events"), help: "Skip malformed lines (and count them) instead of failing.")
        var lenient = false

        @Option(name: .customLong("events-format"),
                help: ArgumentHelp("native (candor.events/1), asciicast, rrweb, or auto.", valueName: "FORMAT"))
        var format: EventLogFormat = .auto

        func read() throws -> EventLog {
            do { return try EventLogReader.read(path: log, format: format, lenient: lenient) } catch let error as EventLogError {
                throw CLIError.input(error.description)
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse and validate a log; the first malformed line is reported with its number (exit 3).")
        @OptionGroup var options: LogOptions

        func run() throws {
            let log = try options.read()
            var line = "'\(options.log)': valid \(log.format), \(log.events.count) event(s)"
            let unknown = log.unknownTypes.values.reduce(0, +)
            if unknown > 0 { line += ", \(unknown) of unknown type(s) \(log.unknownTypes.keys.sorted().joined(separator: ", ")) ignored" }
            if !log.skipped.isEmpty { line += ", \(log.skipped.count) malformed line(s) skipped" }
            print(line)
            for error in log.skipped.prefix(20) { print("  skipped: \(error)") }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts by type, time span, typing rate and pastes.")
        @OptionGroup var options: LogOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let stats = EventStatistics(try options.read())
            if json {
                CLIOutput.print(Data((try JSONValue.from(stats).canonical() + "\n").utf8))
                return
            }
            print("\(options.log): \(stats.format), \(stats.events) event(s)")
            if let first = stats.first_s, let last = stats.last_s {
                print(String(format: "  span         %.3f – %.3f s (%.1f s)", first, last, last - first))
            }
            for (type, count) in stats.countsByType.sorted(by: { $0.key < $1.key }) {
                print("  \(type.padding(toLength: 12, withPad: " ", startingAt: 0)) \(count)")
            }
            print("  key presses  \(stats.keyPresses)" + (stats.typingRatePerMinute.map { String(format: " (%.0f per minute of active typing)", $0) } ?? ""))
            print("  pastes       \(stats.pastes) (\(stats.pastedCharacters) characters)")
            print("  questions    \(stats.questions)")
            if !stats.unknownTypes.isEmpty {
                print("  unknown      " + stats.unknownTypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
            }
            if stats.skippedLines > 0 { print("  skipped      \(stats.skippedLines) malformed line(s)") }
        }
    }
}
