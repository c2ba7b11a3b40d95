import CandorDetectors
import CandorMedia
import CandorPipeline
import CandorReport
import Foundation

/// What the scan asks a worker process to do (written as JSON, passed by path).
public struct WorkerRequest: Sendable, Codable, Equatable {
    public var media: String
    public var events: String?
    public var interviewer: String?
    public var candidate: String?
    /// The configuration `scan --config` loaded, if any: read once by the scan (the file may
    /// be a pipe, or change while the scan runs) and handed to every worker as it is.
    public var configuration: Configuration?
    /// When set, the worker first hashes the files and answers `unchanged` without analysing if
    /// both hashes match (a touched but unchanged recording).
    public var knownMediaHash: String?
    public var knownEventsHash: String?
    /// Analyse what a truncated file holds instead of refusing it (`--accept-truncated`).
    public var acceptTruncated: Bool = false
    /// Address-space limit of the worker in MB (`--memory-limit`); nil for none.
    public var memoryLimitMB: Int?

    public init(item: ScanItem, configuration: Configuration?, knownMediaHash: String? = nil, knownEventsHash: String? = nil,
                acceptTruncated: Bool = false) {
        self.acceptTruncated = acceptTruncated
        media = item.media
        events = item.events
        interviewer = item.interviewer
        candidate = item.candidate
        self.configuration = configuration
        self.knownMediaHash = knownMediaHash
        self.knownEventsHash = knownEventsHash
    }
}

/// What a worker hands back (written as JSON, atomically, only on success).
public struct WorkerResult: Sendable, Codable, Equatable {
    public var mediaHash: String
    public var eventsHash: String?
    public var unchanged: Bool
    /// The `candor.report/1` JSON.
    public var report: JSONValue?
    public var voiceprint: Voiceprint?
    public var candidateId: String?
    public var interviewId: String?
    public var identifiers: [Identifier]
}

/// The worker side of `candor scan`: one recording, in its own process (`candor scan worker`),
/// so that a decoder crash or hang costs that recording only.
public enum ScanWorker {
    public static func run(_ request: WorkerRequest, toolVersion: String) throws -> WorkerResult {
        let mediaHash = try ContentHash.sha256(path: request.media)
        let eventsHash = try request.events.map { try ContentHash.sha256(path: $0) }
        if let known = request.knownMediaHash, known == mediaHash, request.knownEventsHash == eventsHash {
            return WorkerResult(mediaHash: mediaHash, eventsHash: eventsHash, unchanged: true, report: nil, voiceprint: nil,
                                candidateId: nil, interviewId: nil, identifiers: [])
        }
        let options = AnalysisOptions(media: request.media, events: request.events,
                                      interviewer: try request.interviewer.map { try SourceSpec(parsing: $0) },
                                      candidate: try request.candidate.map { try SourceSpec(parsing: $0) },
                                      configuration: request.configuration ?? .defaults, acceptTruncated: request.acceptTruncated,
                                      toolVersion: toolVersion)
        let outcome = try Analysis.analyse(options)
        return WorkerResult(mediaHash: mediaHash, eventsHash: eventsHash, unchanged: false, report: outcome.report.json,
                            voiceprint: outcome.voiceprint, candidateId: outcome.candidateId, interviewId: outcome.interviewId,
                            identifiers: outcome.networkIdentifiers.map { Identifier(kind: $0.kind, value: $0.value) })
    }

    /// Caps this process's address space (`setrlimit(RLIMIT_AS)`), so a file that makes a
    /// decoder allocate without bound fails alone instead of exhausting the machine.
    public static func limitMemory(megabytes: Int) {
        let bytes = rlim_t(max(64, megabytes)) * 1024 * 1024
        var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
        #if os(Linux)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        #else
        _ = setrlimit(RLIMIT_AS, &limit)
        #endif
    }

    /// Ends this process if its parent (the scan) goes away, so a killed scan leaves no
    /// orphaned workers behind. Polls the parent id twice a second on a background thread.
    public static func exitWhenOrphaned() {
        let parent = getppid()
        let thread = Thread {
            while true {
                if getppid() != parent { _exit(4) }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        thread.start()
    }
}
