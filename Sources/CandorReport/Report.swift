import Foundation

/// What a detector concluded (DESIGN.md): measured and within thresholds, measured and
/// outside them, not enough evidence, or an input it needs is absent.
public enum DetectorStatus: String, Sendable, Codable, CaseIterable {
    case ok, flagged, inconclusive, skipped
}

public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case low, medium, high
    var rank: Int { switch self { case .low: 0; case .medium: 1; case .high: 2 } }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One piece of evidence for the reviewer: a time range, what was seen, and the measurements.
public struct EvidenceFlag: Sendable, Equatable, Codable {
    public var detector: String
    public var severity: Severity
    public var start_s: Double
    public var end_s: Double
    public var title: String
    public var detail: String
    public var evidence: [String: JSONValue]

    public init(detector: String, severity: Severity, start_s: Double, end_s: Double, title: String, detail: String,
                evidence: [String: JSONValue] = [:]) {
        self.detector = detector
        self.severity = severity
        self.start_s = start_s
        self.end_s = end_s
        self.title = title
        self.detail = detail
        self.evidence = evidence
    }
}

/// A detector's output: status, score (0 = nothing unusual … 1 = strongly unusual), the reason
/// in words, detector-specific fields (`median_s`, `turns`, … — DESIGN.md's contract), and flags.
public struct DetectorResult: Sendable, Equatable {
    public var id: String
    public var status: DetectorStatus
    public var score: Double
    public var reason: String
    /// Detector-specific fields, written beside status/score/reason.
    public var fields: [String: JSONValue]
    public var flags: [EvidenceFlag]

    public init(id: String, status: DetectorStatus, score: Double, reason: String,
                fields: [String: JSONValue] = [:], flags: [EvidenceFlag] = []) {
        self.id = id
        self.status = status
        self.score = score
        self.reason = reason
        self.fields = fields
        self.flags = flags
    }

    public static func skipped(_ id: String, _ reason: String, fields: [String: JSONValue] = [:]) -> DetectorResult {
        DetectorResult(id: id, status: .skipped, score: 0, reason: reason, fields: fields)
    }

    public static func inconclusive(_ id: String, _ reason: String, fields: [String: JSONValue] = [:]) -> DetectorResult {
        DetectorResult(id: id, status: .inconclusive, score: 0, reason: reason, fields: fields)
    }

    /// The object written under `detectors.<id>` (flags go to the report's top-level list).
    public var json: JSONValue {
        var object = fields
        object["status"] = .string(status.rawValue)
        object["score"] = .number(score)
        object["reason"] = .string(reason)
        return .object(object)
    }
}

/// The `candor.report/1` document: one value that the text, JSON and HTML renderers all draw.
public struct Report: Sendable, Equatable {
    public static let schema = "candor.report/1"

    public struct Roles: Sendable, Equatable, Codable {
        public var interviewer: String?
        public var candidate: String?
        public var mixed: String?
        /// `options`, `titles`, `diarized` or `none`.
        public var source: String
        public var note: String
        /// For diarized roles: which speaker was taken as the interviewer, and how sure.
        public var assignmentConfidence: Double?
        public var assignmentBasis: String?

        public init(interviewer: String?, candidate: String?, mixed: String?, source: String, note: String,
                    assignmentConfidence: Double? = nil, assignmentBasis: String? = nil) {
            self.interviewer = interviewer
            self.candidate = candidate
            self.mixed = mixed
            self.source = source
            self.note = note
            self.assignmentConfidence = assignmentConfidence
            self.assignmentBasis = assignmentBasis
        }

        enum CodingKeys: String, CodingKey {
            case interviewer, candidate, mixed, source, note
            case assignmentConfidence = "assignment_confidence"
            case assignmentBasis = "assignment_basis"
        }
    }

    public struct Input: Sendable, Equatable {
        public var media: String
        public var events: String?
        public var duration_s: Double
        public var roles: Roles
        /// Decoder notes (damaged packets, gaps filled) for the reviewer.
        public var warnings: [String]
        public init(media: String, events: String?, duration_s: Double, roles: Roles, warnings: [String] = []) {
            self.media = media
            self.events = events
            self.duration_s = duration_s
            self.roles = roles
            self.warnings = warnings
        }
    }

    public struct Overall: Sendable, Equatable {
        public var status: String
        public var score: Double
        public var summary: String
    }

    /// What the timeline draws (speech turns per role, keystrokes): measurements, not verdicts.
    public struct Timeline: Sendable, Equatable, Codable {
        public struct Turn: Sendable, Equatable, Codable {
            public var speaker: String
            public var start_s: Double
            public var end_s: Double
            public init(speaker: String, start_s: Double, end_s: Double) {
                self.speaker = speaker
                self.start_s = start_s
                self.end_s = end_s
            }
        }
        public var turns: [Turn] = []
        /// Key presses heard in the candidate's audio (media time).
        public var keystrokesHeard_s: [Double] = []
        /// Key presses in the log, mapped to media time.
        public var keystrokesLogged_s: [Double] = []
        /// Question intervals from the log, in media time.
        public var questions: [[Double]] = []
        public init(turns: [Turn] = []) { self.turns = turns }
        enum CodingKeys: String, CodingKey {
            case turns, questions
            case keystrokesHeard_s = "keystrokes_heard_s"
            case keystrokesLogged_s = "keystrokes_logged_s"
        }
    }

    public var toolVersion: String
    public var input: Input
    public var detectors: [String: DetectorResult]
    public var timeline: Timeline
    public var thresholds: JSONValue

    public init(toolVersion: String, input: Input, detectors: [DetectorResult], timeline: Timeline, thresholds: JSONValue) {
        self.toolVersion = toolVersion
        self.input = input
        self.detectors = Dictionary(uniqueKeysWithValues: detectors.map { ($0.id, $0) })
        self.timeline = timeline
        self.thresholds = thresholds
    }

    /// Every detector's flags, most severe first, then by time.
    public var flags: [EvidenceFlag] {
        detectors.values.flatMap(\.flags).sorted {
            ($1.severity.rank, $0.start_s, $0.detector) < ($0.severity.rank, $1.start_s, $1.detector)
        }
    }

    /// DESIGN.md: `review` when any detector is flagged; `inconclusive` when no detector could
    /// measure anything; otherwise `clear`. The score is the highest score among measuring
    /// detectors (ok or flagged): one strong line of evidence is what a reviewer should see.
    public var overall: Overall {
        let measured = detectors.values.filter { $0.status == .ok || $0.status == .flagged }
        let flagged = detectors.values.filter { $0.status == .flagged }.sorted { $0.id < $1.id }
        let score = measured.map(\.score).max() ?? 0
        if !flagged.isEmpty {
            let names = flagged.map(\.id).joined(separator: ", ")
            let count = flags.count
            return Overall(status: "review", score: score,
                           summary: "Review: \(names) found \(count) item\(count == 1 ? "" : "s") worth a human look.")
        }
        if measured.isEmpty {
            return Overall(status: "inconclusive", score: 0,
                           summary: "Inconclusive: no detector had enough evidence to measure anything.")
        }
        let names = measured.map(\.id).sorted().joined(separator: ", ")
        return Overall(status: "clear", score: score, summary: "Clear: \(names) measured within thresholds.")
    }

    /// The report as a JSON value (DESIGN.md's contract plus `timeline` and `input.warnings`).
    public var json: JSONValue {
        var detectorObjects: [String: JSONValue] = [:]
        for (id, result) in detectors { detectorObjects[id] = result.json }
        let roles = (try? JSONValue.from(input.roles)) ?? .null
        let overall = self.overall
        return .object([
            "schema": .string(Report.schema),
            "tool": .object(["name": .string("candor"), "version": .string(toolVersion)]),
            "input": .object([
                "media": .string(input.media), "events": JSONValue(input.events), "duration_s": .number(input.duration_s),
                "roles": roles, "warnings": .array(input.warnings.map { .string($0) }),
            ]),
            "overall": .object(["status": .string(overall.status), "score": .number(overall.score),
                                "summary": .string(overall.summary)]),
            "detectors": .object(detectorObjects),
            "flags": .array(flags.compactMap { try? JSONValue.from($0) }),
            "timeline": (try? JSONValue.from(timeline)) ?? .null,
            "thresholds": thresholds,
        ])
    }
}
