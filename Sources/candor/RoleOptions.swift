import ArgumentParser
import CandorEvents
import CandorMedia

/// `--interviewer` / `--candidate`, shared by every command that picks audio sources.
struct RoleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The interviewer's audio: a:N (audio stream N), a:N.C (channel C of it) or a separate file.",
                               valueName: "SPEC"))
    var interviewer: String?

    @Option(help: ArgumentHelp("The candidate's audio: a:N, a:N.C or a separate file.", valueName: "SPEC"))
    var candidate: String?

    func validate() throws {
        for text in [interviewer, candidate].compactMap({ $0 }) {
            do { _ = try SourceSpec(parsing: text) } catch { throw ValidationError(error.description) }
        }
    }

    var interviewerSpec: SourceSpec? { interviewer.flatMap { try? SourceSpec(parsing: $0) } }
    var candidateSpec: SourceSpec? { candidate.flatMap { try? SourceSpec(parsing: $0) } }
}

extension EventLogFormat: ExpressibleByArgument {}
