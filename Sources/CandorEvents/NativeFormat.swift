import Foundation

/// Reader for Candor's own `candor.events/1` JSON Lines (DESIGN.md).
public enum NativeFormat {
    public static let schema = "candor.events/1"
    /// Times beyond this are absurd (48 hours).
    public static let maximumTime_s: Double = 48 * 3600

    /// Parses `path`. Strict by default: the first malformed line is an error naming it.
    /// With `lenient`, malformed lines are skipped and listed in `skipped`.
    public static func read(path: String, lenient: Bool = false) throws -> EventLog {
        let reader = try LineReader(path: path)
        var header = SessionHeader()
        var events: [Event] = []
        var unknown: [String: Int] = [:]
        var skipped: [EventLogError] = []
        var sawContent = false
        var firstAbsolute: Date?
        while let line = try reader.next() {
            let number = reader.lineNumber
            do {
                switch line {
                case .tooLong(let bytes):
                    throw EventLogError(path: path, line: number, message: "line is \(bytes) bytes, over the 1 MB limit")
                case .text(let text):
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    let object = try parseObject(trimmed, path: path, line: number)
                    let type = try string(object, "type", path: path, line: number, required: true)!
                    if type == "session" {
                        guard !sawContent else {
                            throw EventLogError(path: path, line: number, message: "the session header must be the first line")
                        }
                        if let schema = object["schema"] as? String, schema != NativeFormat.schema {
                            throw EventLogError(path: path, line: number, message: "schema '\(schema)' is not '\(NativeFormat.schema)'")
                        }
                        if let start = try string(object, "recording_start", path: path, line: number) {
                            guard let date = parseDate(start) else {
                                throw EventLogError(path: path, line: number, message: "recording_start '\(start)' is not an ISO 8601 time")
                            }
                            header.recordingStart = date
                        }
                        header.candidateId = try string(object, "candidate_id", path: path, line: number)
                        header.interviewId = try string(object, "interview_id", path: path, line: number)
                        sawContent = true
                        continue
                    }
                    sawContent = true
                    let time = try eventTime(object, header: header, firstAbsolute: &firstAbsolute, path: path, line: number)
                    if let kind = try parseKind(type, object, path: path, line: number) {
                        events.append(Event(time_s: time, kind: kind, line: number))
                    } else {
                        unknown[type, default: 0] += 1
                    }
                }
            } catch let error as EventLogError {
                if lenient { skipped.append(error) } else { throw error }
            }
        }
        if !sawContent && skipped.isEmpty {
            throw EventLogError(path: path, line: nil, message: "is empty; an event log has one JSON object per line")
        }
        return EventLog(path: path, format: NativeFormat.schema, header: header, events: events, unknownTypes: unknown, skipped: skipped)
    }

    static func parseObject(_ text: String, path: String, line: Int) throws -> [String: Any] {
        guard text.hasPrefix("{") else {
            throw EventLogError(path: path, line: line, message: "not a JSON object (each line must be one {…} event)")
        }
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: []) } catch {
            throw EventLogError(path: path, line: line, message: "invalid JSON")
        }
        guard let object = value as? [String: Any] else {
            throw EventLogError(path: path, line: line, message: "not a JSON object")
        }
        return object
    }

    static func string(_ object: [String: Any], _ key: String, path: String, line: Int, required: Bool = false) throws -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw EventLogError(path: path, line: line, message: "'\(key)' is missing") }
            return nil
        }
        guard let text = value as? String else {
            throw EventLogError(path: path, line: line, message: "'\(key)' must be a string")
        }
        return text
    }

    static func number(_ object: [String: Any], _ key: String) -> Double? {
        // JSON booleans also arrive as NSNumber (objCType "c"); they are not numbers here.
        guard let value = object[key] as? NSNumber, String(cString: value.objCType) != "c" else { return nil }
        return value.doubleValue
    }

    static func eventTime(_ object: [String: Any], header: SessionHeader, firstAbsolute: inout Date?,
                          path: String, line: Int) throws -> Double {
        if object["t"] != nil {
            guard let t = number(object, "t") else {
                throw EventLogError(path: path, line: line, message: "'t' must be a number of seconds")
            }
            guard t.isFinite else { throw EventLogError(path: path, line: line, message: "'t' is not a finite number") }
            guard t >= 0 else { throw EventLogError(path: path, line: line, message: "'t' is negative (\(t)); times count from recording_start") }
            guard t <= maximumTime_s else {
                throw EventLogError(path: path, line: line, message: "'t' is \(t) s, more than 48 hours after recording_start")
            }
            return t
        }
        if let text = try string(object, "ts", path: path, line: line) {
            guard let date = parseDate(text) else {
                throw EventLogError(path: path, line: line, message: "'ts' '\(text)' is not an ISO 8601 time")
            }
            // Without a recording_start, times count from the first absolute time in the log.
            let origin = header.recordingStart ?? firstAbsolute ?? date
            if firstAbsolute == nil { firstAbsolute = date }
            let t = date.timeIntervalSince(origin)
            guard t >= -1 else { throw EventLogError(path: path, line: line, message: "'ts' is before recording_start") }
            guard t <= maximumTime_s else {
                throw EventLogError(path: path, line: line, message: "'ts' is more than 48 hours after recording_start")
            }
            return max(0, t)
        }
        throw EventLogError(path: path, line: line, message: "has neither 't' (seconds) nor 'ts' (ISO 8601 time)")
    }

    static func parseKind(_ type: String, _ object: [String: Any], path: String, line: Int) throws -> Event.Kind? {
        func choice(_ key: String, _ options: [String]) throws -> String {
            guard let value = try string(object, key, path: path, line: line, required: true), options.contains(value) else {
                let got = (object[key] as? String).map { ", not '\($0)'" } ?? ""
                throw EventLogError(path: path, line: line,
                                    message: "'\(key)' must be \(options.map { "'\($0)'" }.joined(separator: " or "))\(got)")
            }
            return value
        }
        switch type {
        case "key":
            let action = try choice("action", ["down", "up"])
            return .key(down: action == "down", code: try string(object, "code", path: path, line: line),
                        key: try string(object, "key", path: path, line: line))
        case "paste":
            guard let chars = number(object, "chars"), chars >= 0, chars == chars.rounded(), chars < 1e9 else {
                throw EventLogError(path: path, line: line, message: "'chars' must be a whole number of inserted characters")
            }
            return .paste(characters: Int(chars))
        case "focus":
            return .focus(gained: try choice("state", ["lost", "gained"]) == "gained")
        case "question":
            let id: String
            if let text = object["id"] as? String { id = text } else if let n = number(object, "id") { id = String(format: "%g", n) } else {
                throw EventLogError(path: path, line: line, message: "'id' is missing")
            }
            let action = try choice("action", ["start", "end"])
            return .question(id: id, start: action == "start", text: try string(object, "text", path: path, line: line))
        case "screen":
            return .screen(sharing: try choice("action", ["share_start", "share_stop"]) == "share_start")
        case "net":
            guard let ip = try string(object, "ip", path: path, line: line, required: true) else { return nil }
            return .net(ip: ip, timeZone: try string(object, "tz", path: path, line: line),
                        userAgent: try string(object, "user_agent", path: path, line: line),
                        deviceId: try string(object, "device_id", path: path, line: line))
        default:
            return nil
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }
}
