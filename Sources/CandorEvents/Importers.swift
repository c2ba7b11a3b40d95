import Foundation

/// Event-log formats Candor reads: its own, and what platforms really export.
public enum EventLogFormat: String, Sendable, CaseIterable {
    /// `candor.events/1` JSON Lines.
    case native
    /// asciinema asciicast v2 (and v3) terminal recordings: `i` events are keystrokes.
    case asciicast
    /// rrweb browser session recordings (JSON array or lines of `{type, data, timestamp}`).
    case rrweb
    /// Decide from the content.
    case auto
}

/// Reads any supported event log into the `candor.events/1` model.
public enum EventLogReader {
    public static func read(path: String, format: EventLogFormat = .auto, lenient: Bool = false) throws -> EventLog {
        switch format == .auto ? try detect(path: path) : format {
        case .native, .auto: return try NativeFormat.read(path: path, lenient: lenient)
        case .asciicast: return try Asciicast.read(path: path, lenient: lenient)
        case .rrweb: return try RRWeb.read(path: path, lenient: lenient)
        }
    }

    /// Looks at the first non-empty line.
    public static func detect(path: String) throws -> EventLogFormat {
        let reader = try LineReader(path: path)
        while let line = try reader.next() {
            guard case .text(let text) = line else { return .native }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") { return .rrweb }
            if let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] {
                if object["version"] is NSNumber, object["width"] != nil || object["term"] != nil || object["timestamp"] != nil {
                    return .asciicast
                }
                if object["type"] is NSNumber, object["timestamp"] != nil { return .rrweb }
            }
            return .native
        }
        return .native
    }
}

/// asciinema asciicast v2/v3: a header line, then `[time, code, data]` lines. Input (`i`)
/// chunks of one character (or one escape sequence, e.g. an arrow key) are key presses; longer
/// chunks are pastes. v2 times are seconds from the start; v3 times are intervals.
public enum Asciicast {
    public static func read(path: String, lenient: Bool = false) throws -> EventLog {
        let reader = try LineReader(path: path)
        var version = 0
        var header = SessionHeader()
        var events: [Event] = []
        var skipped: [EventLogError] = []
        var clock = 0.0
        var inputs = 0
        while let line = try reader.next() {
            let number = reader.lineNumber
            do {
                guard case .text(let raw) = line else {
                    throw EventLogError(path: path, line: number, message: "line is over the 1 MB limit")
                }
                let text = raw.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                if version == 0 {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                          let v = object["version"] as? Int, v == 2 || v == 3 else {
                        throw EventLogError(path: path, line: number, message: "not an asciicast header (expected {\"version\": 2, …})")
                    }
                    version = v
                    if let timestamp = object["timestamp"] as? NSNumber { header.recordingStart = Date(timeIntervalSince1970: timestamp.doubleValue) }
                    continue
                }
                guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], array.count >= 3,
                      let time = (array[0] as? NSNumber)?.doubleValue, time.isFinite, time >= 0,
                      let code = array[1] as? String, let data = array[2] as? String else {
                    throw EventLogError(path: path, line: number, message: "not an asciicast event [time, code, data]")
                }
                clock = version == 3 ? clock + time : time
                guard clock <= NativeFormat.maximumTime_s else {
                    throw EventLogError(path: path, line: number, message: "time \(clock) s is more than 48 hours")
                }
                guard code == "i" else { continue }
                inputs += 1
                if isSingleKey(data) {
                    events.append(Event(time_s: clock, kind: .key(down: true, code: nil, key: nil), line: number))
                } else {
                    events.append(Event(time_s: clock, kind: .paste(characters: data.count), line: number))
                }
            } catch let error as EventLogError {
                if lenient { skipped.append(error) } else { throw error }
            }
        }
        guard version != 0 else { throw EventLogError(path: path, line: nil, message: "is empty; expected an asciicast recording") }
        return EventLog(path: path, format: "asciicast v\(version)", header: header, events: events, skipped: skipped)
    }

    /// One keystroke: one character, or one terminal escape sequence (arrows, function keys).
    static func isSingleKey(_ data: String) -> Bool {
        if data.count <= 1 { return true }
        let scalars = Array(data.unicodeScalars)
        return scalars.first == "\u{1B}" && scalars.count <= 8 && !scalars.dropFirst().contains("\u{1B}")
    }
}

/// rrweb session recordings. Input events (incremental source 5) are snapshots of a field's
/// value, not key presses: a value one character longer than before is a key press, a value
/// several characters longer is a paste, a shorter one a deletion (a key press). Focus and blur
/// come from mouse-interaction events (source 2, types 5 and 6). Times are epoch milliseconds.
public enum RRWeb {
    public static func read(path: String, lenient: Bool = false) throws -> EventLog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventLogError(path: path, line: nil, message: "cannot be read")
        }
        var objects: [(line: Int, value: [String: Any])] = []
        var skipped: [EventLogError] = []
        let trimmed = String(decoding: data.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("[") {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw EventLogError(path: path, line: nil, message: "is not a valid rrweb JSON array")
            }
            for (index, item) in array.enumerated() {
                if let object = item as? [String: Any] { objects.append((index + 1, object)) } else {
                    let error = EventLogError(path: path, line: index + 1, message: "rrweb event \(index + 1) is not an object")
                    if lenient { skipped.append(error) } else { throw error }
                }
            }
        } else {
            let reader = try LineReader(path: path)
            while let line = try reader.next() {
                guard case .text(let text) = line, !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                    objects.append((reader.lineNumber, object))
                } else {
                    let error = EventLogError(path: path, line: reader.lineNumber, message: "invalid JSON")
                    if lenient { skipped.append(error) } else { throw error }
                }
            }
        }
        var start: Double? = nil
        var values: [Int: String] = [:]
        var events: [Event] = []
        for (line, object) in objects {
            guard let type = (object["type"] as? NSNumber)?.intValue, let timestamp = (object["timestamp"] as? NSNumber)?.doubleValue,
                  timestamp.isFinite else {
                let error = EventLogError(path: path, line: line, message: "rrweb event without numeric 'type' and 'timestamp'")
                if lenient { skipped.append(error); continue } else { throw error }
            }
            if start == nil { start = timestamp }
            let time = (timestamp - (start ?? timestamp)) / 1000
            guard time >= 0, time <= NativeFormat.maximumTime_s else {
                let error = EventLogError(path: path, line: line, message: "timestamp out of order or out of range")
                if lenient { skipped.append(error); continue } else { throw error }
            }
            guard type == 3, let payload = object["data"] as? [String: Any], let source = (payload["source"] as? NSNumber)?.intValue else { continue }
            if source == 5, let id = (payload["id"] as? NSNumber)?.intValue, let text = payload["text"] as? String {
                let before = values[id] ?? ""
                values[id] = text
                let grown = text.count - before.count
                if grown == 1 || grown == -1 || (grown == 0 && text != before) {
                    events.append(Event(time_s: time, kind: .key(down: true, code: nil, key: nil), line: line))
                } else if grown > 1 {
                    events.append(Event(time_s: time, kind: .paste(characters: grown), line: line))
                } else if grown < -1 {
                    events.append(Event(time_s: time, kind: .key(down: true, code: "Delete", key: nil), line: line))
                }
            } else if source == 2, let interaction = (payload["type"] as? NSNumber)?.intValue, interaction == 5 || interaction == 6 {
                events.append(Event(time_s: time, kind: .focus(gained: interaction == 5), line: line))
            }
        }
        guard !objects.isEmpty else { throw EventLogError(path: path, line: nil, message: "has no rrweb events") }
        let header = SessionHeader(recordingStart: start.map { Date(timeIntervalSince1970: $0 / 1000) })
        return EventLog(path: path, format: "rrweb", header: header, events: events, skipped: skipped)
    }
}
