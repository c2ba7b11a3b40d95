import ArgumentParser
import CandorReport
import Foundation

/// `candor config defaults`: every threshold with its default.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or check threshold configuration.",
        subcommands: [Defaults.self, Check.self])

    struct Defaults: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every threshold with its default (JSON, usable as a --config file).")

        @Flag(help: "Explain each threshold instead of printing JSON.")
        var explain = false

        func run() throws {
            if explain {
                let defaults = Configuration.defaults.json
                for row in Configuration.documentation {
                    let value = defaults[row.section]?[row.key].map { $0.canonical(pretty: false) } ?? "?"
                    print("\(row.section).\(row.key) = \(value)\n    \(row.text)")
                }
            } else {
                var object = Configuration.defaults.json.object ?? [:]
                object["schema"] = .string(Configuration.schema)
                print(JSONValue.object(object).canonical())
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a configuration file and print the effective thresholds.")

        @Argument(help: ArgumentHelp("The configuration file.", valueName: "FILE"))
        var file: String

        func run() throws {
            do {
                print(try Configuration.load(path: file).json.canonical())
            } catch let error as Configuration.LoadError {
                throw CLIError.input(error.description)
            }
        }
    }
}
