import ArgumentParser
import CandorDetectors
import CandorEvents
import CandorMedia
import CandorPipeline
import CandorReport
import Foundation

/// `candor`: forensic analysis of recorded remote job interviews.
@main
struct CandorCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "candor",
        abstract: "Find evidence of proxy interviewing in a recorded interview and its event log.",
        discussion: """
            Candor measures answer latency, keyboard sound against logged typing, and voice \
            consistency, and reports evidence for a human reviewer — never a verdict.

            Exit status: 0 done; 1 --fail-on met; 2 usage error; 3 unreadable or invalid input.
            """,
        version: version,
        subcommands: [AnalyzeCommand.self, ProbeCommand.self, ExtractCommand.self, FeaturesCommand.self, EventsCommand.self, VoiceprintCommand.self, EvaluateCommand.self, ScanCommand.self, ConfigCommand.self]
    )

    /// Runs the command and maps errors to DESIGN.md's exit statuses: 2 for usage errors
    /// (ArgumentParser's default is 64), 3 for unreadable or invalid input.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as MediaError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.invalidInput)
        } catch let error as CLIError {
            CLIOutput.error(error.message)
            Foundation.exit(error.status)
        } catch let error as EventLogError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.invalidInput)
        } catch let error as Voiceprint.LoadError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.invalidInput)
        } catch let error as Configuration.LoadError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.invalidInput)
        } catch let error as Manifest.LoadError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.invalidInput)
        } catch let error as SourceSpec.ParseError {
            CLIOutput.error(error.description)
            Foundation.exit(ExitStatus.usage)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if code == .validationFailure {
                if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// DESIGN.md's exit statuses.
enum ExitStatus {
    static let ok: Int32 = 0
    static let failOn: Int32 = 1
    static let usage: Int32 = 2
    static let invalidInput: Int32 = 3
}

/// An error the CLI reports itself, with the exit status it implies.
struct CLIError: Error {
    var message: String
    var status: Int32
    static func usage(_ message: String) -> CLIError { CLIError(message: message, status: ExitStatus.usage) }
    static func input(_ message: String) -> CLIError { CLIError(message: message, status: ExitStatus.invalidInput) }
}

enum CLIOutput {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("candor: error: \(message)\n".utf8))
    }
    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("candor: warning: \(message)\n".utf8))
    }
    /// Deterministic JSON: sorted keys, pretty, no escaped slashes.
    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
    static func print(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }
}
