import CandorDetectors
import CandorReport
import Foundation

/// What a recording's row says about it. The scan writes one per recording, in one transaction
/// with its flags and identifiers, so a row is either absent, `running` (interrupted: redone by
/// `--resume`), or finished (`done`, `failed`, `timed_out`).
public enum RecordingStatus: String, Sendable, Codable, CaseIterable {
    case running
    case done
    case failed
    case timedOut = "timed_out"

    /// Finished rows are kept by `--resume` while their files and settings are unchanged.
    public var isFinished: Bool { self != .running }
}

/// Size and modification time of a file: the cheap test for "unchanged" before hashing.
public struct FileStamp: Sendable, Equatable, Codable {
    public var size: Int64
    public var modified: Double

    public init(size: Int64, modified: Double) {
        self.size = size
        self.modified = modified
    }

    /// Stat of `path`, nil when it does not exist.
    public static func of(_ path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return FileStamp(size: size, modified: modified)
    }
}

/// A network or device identifier an event log declared (`net` events).
public struct Identifier: Sendable, Equatable, Hashable, Codable {
    public var kind: String
    public var value: String
    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// One recording as the store keeps it.
public struct RecordingRow: Sendable, Equatable {
    public var path: String
    public var eventsPath: String?
    public var mediaStamp: FileStamp
    public var eventsStamp: FileStamp?
    /// Tool version and effective configuration the row was produced with; a different one is
    /// a reason to analyse again.
    public var settingsKey: String
    public var mediaHash: String?
    public var eventsHash: String?
    public var status: RecordingStatus
    public var attempts: Int
    public var startedAt: Double
    public var finishedAt: Double?
    public var elapsed_s: Double?
    public var error: String?
    public var candidateId: String?
    public var interviewId: String?
    public var duration_s: Double?
    /// The report's `overall.status` (`clear`, `review`, `inconclusive`) when analysed.
    public var overallStatus: String?
    public var overallScore: Double?
    /// The whole `candor.report/1` JSON.
    public var report: String?
    public var voiceprint: Voiceprint?
    public var flags: [EvidenceFlag]
    public var identifiers: [Identifier]

    public init(path: String, eventsPath: String?, mediaStamp: FileStamp, eventsStamp: FileStamp?, settingsKey: String,
                status: RecordingStatus, startedAt: Double) {
        self.path = path
        self.eventsPath = eventsPath
        self.mediaStamp = mediaStamp
        self.eventsStamp = eventsStamp
        self.settingsKey = settingsKey
        self.status = status
        self.startedAt = startedAt
        attempts = 1
        flags = []
        identifiers = []
    }
}

/// Where `candor scan` keeps its results. The scanner and the report use only this protocol:
/// the SQLite store (``SQLiteScanStore``) is one implementation; a shared PostgreSQL backend
/// for several machines is another one to add, with the same rows and transactions.
public protocol ScanStore: Sendable {
    /// The row for `path`, without its report text (nil when never scanned).
    func recording(path: String) throws -> RecordingRow?
    /// Writes the row, its flags and identifiers in one transaction, replacing any earlier row
    /// for the same path.
    func save(_ row: RecordingRow) throws
    /// Every row (without report text), sorted by path.
    func recordings() throws -> [RecordingRow]
    /// The stored `candor.report/1` JSON of one recording.
    func report(path: String) throws -> String?
    /// Where the store lives (for messages).
    var location: String { get }
}

/// A store that cannot be opened or used: names the store and the problem.
public struct ScanStoreError: Error, Sendable, CustomStringConvertible {
    public let location: String
    public let message: String
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }
    public var description: String { "'\(location)': \(message)" }
}
