import CandorDetectors
import CandorReport
import Foundation
import GRDB

/// The scan store in one embedded SQLite file (GRDB). Every save is one transaction; SQLite's
/// journal makes a kill at any moment leave either the old row or the new one.
public final class SQLiteScanStore: ScanStore, @unchecked Sendable {
    public static let schema = "candor.scan-db/1"
    public let location: String
    private let queue: DatabaseQueue

    /// Opens the store at `path`, creating it (and its tables) unless `readOnly`.
    public init(path: String, readOnly: Bool = false) throws {
        location = path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            throw ScanStoreError(location: path, message: "is a folder; --db takes the path of a database file")
        }
        if readOnly, !exists {
            throw ScanStoreError(location: path, message: "does not exist; run `candor scan DIR --db \(path)` first")
        }
        if !exists {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ScanStoreError(location: path, message: "cannot be created: folder '\(folder)' does not exist")
            }
        }
        var configuration = GRDB.Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(30)
        configuration.label = "candor-scan"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if readOnly {
                try queue.read { db in try Self.checkSchema(db, path: path) }
            } else {
                try queue.write { db in
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                    if !tables.isEmpty { try Self.checkSchema(db, path: path) }
                }
                try Self.migrator.migrate(queue)
            }
        } catch let error as ScanStoreError {
            throw error
        } catch let error as DatabaseError {
            throw ScanStoreError(location: path, message: Self.explain(error))
        }
    }

    private static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB: "is not a SQLite database (a Candor scan store); choose another --db path"
        case .SQLITE_CANTOPEN: "cannot be opened; check the path and its permissions"
        case .SQLITE_READONLY: "is read-only; Candor needs to write to it"
        case .SQLITE_CORRUPT: "is a damaged SQLite database; restore it from a copy or start a new one"
        case .SQLITE_FULL: "cannot be written: the disk is full"
        default: "database error: \(error.message ?? error.description)"
        }
    }

    private static func checkSchema(_ db: Database, path: String) throws {
        guard try db.tableExists("candor_meta") else {
            throw ScanStoreError(location: path, message: "is a SQLite database but not a Candor scan store; choose another --db path")
        }
        let schema = try String.fetchOne(db, sql: "SELECT value FROM candor_meta WHERE key = 'schema'")
        guard schema == Self.schema else {
            throw ScanStoreError(location: path, message: "holds scan store schema '\(schema ?? "none")'; this Candor reads '\(Self.schema)'")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE candor_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO candor_meta VALUES ('schema', '\(Self.schema)');
                CREATE TABLE recording (
                    path TEXT PRIMARY KEY,
                    events_path TEXT,
                    media_size INTEGER NOT NULL,
                    media_mtime REAL NOT NULL,
                    events_size INTEGER,
                    events_mtime REAL,
                    settings_key TEXT NOT NULL,
                    media_sha256 TEXT,
                    events_sha256 TEXT,
                    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'timed_out')),
                    attempts INTEGER NOT NULL,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    elapsed_s REAL,
                    error TEXT,
                    candidate_id TEXT,
                    interview_id TEXT,
                    duration_s REAL,
                    overall_status TEXT,
                    overall_score REAL,
                    report_json TEXT,
                    voiceprint_json TEXT);
                CREATE TABLE flag (
                    path TEXT NOT NULL REFERENCES recording(path) ON DELETE CASCADE,
                    detector TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    start_s REAL NOT NULL,
                    end_s REAL NOT NULL,
                    title TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    evidence_json TEXT NOT NULL);
                CREATE INDEX flag_path ON flag(path);
                CREATE TABLE identifier (
                    path TEXT NOT NULL REFERENCES recording(path) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL);
                CREATE INDEX identifier_value ON identifier(kind, value);
                CREATE INDEX identifier_path ON identifier(path);
                """)
        }
        return migrator
    }

    private static let summaryColumns = """
        path, events_path, media_size, media_mtime, events_size, events_mtime, settings_key, media_sha256, events_sha256,
        status, attempts, started_at, finished_at, elapsed_s, error, candidate_id, interview_id, duration_s,
        overall_status, overall_score, voiceprint_json
        """

    public func recording(path: String) throws -> RecordingRow? {
        try guarded {
            try queue.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.summaryColumns) FROM recording WHERE path = ?", arguments: [path])
                else { return nil }
                return try Self.decode(row, db: db)
            }
        }
    }

    public func recordings() throws -> [RecordingRow] {
        try guarded {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.summaryColumns) FROM recording ORDER BY path").map { try Self.decode($0, db: db) }
            }
        }
    }

    public func report(path: String) throws -> String? {
        try guarded {
            try queue.read { db in try String.fetchOne(db, sql: "SELECT report_json FROM recording WHERE path = ?", arguments: [path]) }
        }
    }

    public func save(_ row: RecordingRow) throws {
        let voiceprint = try row.voiceprint.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let flags = try row.flags.map { flag in
            (flag, JSONValue.object(flag.evidence).canonical(pretty: false, decimals: 6))
        }
        try guarded {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM recording WHERE path = ?", arguments: [row.path])
                try db.execute(sql: """
                    INSERT INTO recording (path, events_path, media_size, media_mtime, events_size, events_mtime, settings_key,
                        media_sha256, events_sha256, status, attempts, started_at, finished_at, elapsed_s, error, candidate_id,
                        interview_id, duration_s, overall_status, overall_score, report_json, voiceprint_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        row.path, row.eventsPath, row.mediaStamp.size, row.mediaStamp.modified, row.eventsStamp?.size,
                        row.eventsStamp?.modified, row.settingsKey, row.mediaHash, row.eventsHash, row.status.rawValue, row.attempts,
                        row.startedAt, row.finishedAt, row.elapsed_s, row.error, row.candidateId, row.interviewId, row.duration_s,
                        row.overallStatus, row.overallScore, row.report, voiceprint,
                    ])
                for (flag, evidence) in flags {
                    try db.execute(sql: """
                        INSERT INTO flag (path, detector, severity, start_s, end_s, title, detail, evidence_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [row.path, flag.detector, flag.severity.rawValue, flag.start_s, flag.end_s, flag.title,
                                         flag.detail, evidence])
                }
                for identifier in row.identifiers {
                    try db.execute(sql: "INSERT INTO identifier (path, kind, value) VALUES (?, ?, ?)",
                                   arguments: [row.path, identifier.kind, identifier.value])
                }
            }
        }
    }

    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw ScanStoreError(location: location, message: Self.explain(error))
        }
    }

    private static func decode(_ row: Row, db: Database) throws -> RecordingRow {
        let path: String = row["path"]
        var eventsStamp: FileStamp?
        if let size: Int64 = row["events_size"], let modified: Double = row["events_mtime"] {
            eventsStamp = FileStamp(size: size, modified: modified)
        }
        var result = RecordingRow(path: path, eventsPath: row["events_path"],
                                  mediaStamp: FileStamp(size: row["media_size"], modified: row["media_mtime"]),
                                  eventsStamp: eventsStamp, settingsKey: row["settings_key"],
                                  status: RecordingStatus(rawValue: row["status"]) ?? .failed, startedAt: row["started_at"])
        result.mediaHash = row["media_sha256"]
        result.eventsHash = row["events_sha256"]
        result.attempts = row["attempts"]
        result.finishedAt = row["finished_at"]
        result.elapsed_s = row["elapsed_s"]
        result.error = row["error"]
        result.candidateId = row["candidate_id"]
        result.interviewId = row["interview_id"]
        result.duration_s = row["duration_s"]
        result.overallStatus = row["overall_status"]
        result.overallScore = row["overall_score"]
        if let text: String = row["voiceprint_json"] {
            result.voiceprint = try? JSONDecoder().decode(Voiceprint.self, from: Data(text.utf8))
        }
        result.flags = try Row.fetchAll(db, sql: """
            SELECT detector, severity, start_s, end_s, title, detail, evidence_json FROM flag WHERE path = ? ORDER BY rowid
            """, arguments: [path]).map { flag in
            let evidenceText: String = flag["evidence_json"]
            let evidence = (try? JSONDecoder().decode(JSONValue.self, from: Data(evidenceText.utf8)))?.object ?? [:]
            return EvidenceFlag(detector: flag["detector"], severity: Severity(rawValue: flag["severity"]) ?? .low,
                                start_s: flag["start_s"], end_s: flag["end_s"], title: flag["title"], detail: flag["detail"],
                                evidence: evidence)
        }
        result.identifiers = try Row.fetchAll(db, sql: "SELECT kind, value FROM identifier WHERE path = ? ORDER BY rowid",
                                              arguments: [path]).map { Identifier(kind: $0["kind"], value: $0["value"]) }
        return result
    }
}
