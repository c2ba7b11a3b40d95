import Foundation

/// One event of a `candor.events/1` log, on the platform's clock (seconds since
/// `recording_start`; the media may be offset from it by a few seconds).
public struct Event: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case key(down: Bool, code: String?, key: String?)
        case paste(characters: Int)
        case focus(gained: Bool)
        case question(id: String, start: Bool, text: String?)
        case screen(sharing: Bool)
        case net(ip: String, timeZone: String?, userAgent: String?, deviceId: String?)
    }

    public var time_s: Double
    public var kind: Kind
    /// The line it came from (for messages).
    public var line: Int

    public init(time_s: Double, kind: Kind, line: Int = 0) {
        self.time_s = time_s
        self.kind = kind
        self.line = line
    }

    public var typeName: String {
        switch kind {
        case .key: "key"
        case .paste: "paste"
        case .focus: "focus"
        case .question: "question"
        case .screen: "screen"
        case .net: "net"
        }
    }

    public var isKeyDown: Bool { if case .key(true, _, _) = kind { true } else { false } }
}

/// The optional first line.
public struct SessionHeader: Sendable, Equatable {
    public var recordingStart: Date?
    public var candidateId: String?
    public var interviewId: String?
    public init(recordingStart: Date? = nil, candidateId: String? = nil, interviewId: String? = nil) {
        self.recordingStart = recordingStart
        self.candidateId = candidateId
        self.interviewId = interviewId
    }
}

/// A parsed, validated event log, events sorted by time.
public struct EventLog: Sendable {
    public var path: String
    /// `candor.events/1`, `asciicast`, or `rrweb`.
    public var format: String
    public var header: SessionHeader
    public var events: [Event]
    /// Events of types this version does not know, by type (forward compatibility).
    public var unknownTypes: [String: Int]
    /// Lines skipped with `--lenient-events`, with why.
    public var skipped: [EventLogError]

    public init(path: String, format: String, header: SessionHeader = .init(), events: [Event], unknownTypes: [String: Int] = [:],
                skipped: [EventLogError] = []) {
        self.path = path
        self.format = format
        self.header = header
        self.events = events.sorted { ($0.time_s, $0.line) < ($1.time_s, $1.line) }
        self.unknownTypes = unknownTypes
        self.skipped = skipped
    }

    /// Key-down times (platform clock).
    public var keyDownTimes: [Double] { events.filter(\.isKeyDown).map(\.time_s) }

    /// Question intervals (platform clock), pairing each start with its end by id. A start
    /// without an end is open until itself; an end without a start (the log began mid-question)
    /// is a question ending there.
    public var questions: [(id: String, start_s: Double, end_s: Double)] {
        var open: [String: Double] = [:]
        var result: [(String, Double, Double)] = []
        for event in events {
            guard case .question(let id, let start, _) = event.kind else { continue }
            if start {
                open[id] = event.time_s
            } else if let began = open.removeValue(forKey: id) {
                result.append((id, began, event.time_s))
            } else {
                result.append((id, event.time_s, event.time_s))
            }
        }
        for (id, began) in open { result.append((id, began, began)) }
        return result.sorted { $0.1 < $1.1 }
    }

    /// The network identifiers the log carries (`net` events), each kind's values in order of
    /// first appearance: `ip`, `device_id`, `user_agent`, `tz`.
    public var networkIdentifiers: [(kind: String, value: String)] {
        var seen = Set<String>()
        var result: [(String, String)] = []
        func add(_ kind: String, _ value: String?) {
            guard let value, !value.isEmpty, seen.insert(kind + "\u{0}" + value).inserted else { return }
            result.append((kind, value))
        }
        for event in events {
            guard case .net(let ip, let timeZone, let userAgent, let deviceId) = event.kind else { continue }
            add("ip", ip)
            add("device_id", deviceId)
            add("user_agent", userAgent)
            add("tz", timeZone)
        }
        return result
    }
}
