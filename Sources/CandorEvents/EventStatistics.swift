import Foundation

/// The summary `candor events stats` prints.
public struct EventStatistics: Sendable, Equatable, Codable {
    public var format: String
    public var events: Int
    public var countsByType: [String: Int]
    public var unknownTypes: [String: Int]
    public var first_s: Double?
    public var last_s: Double?
    public var keyPresses: Int
    /// Key presses per minute of active typing (inter-key gaps under 2 s).
    public var typingRatePerMinute: Double?
    public var pastes: Int
    public var pastedCharacters: Int
    public var questions: Int
    public var skippedLines: Int

    enum CodingKeys: String, CodingKey {
        case format, events, first_s, last_s, pastes, questions
        case countsByType = "counts_by_type", unknownTypes = "unknown_types", keyPresses = "key_presses"
        case typingRatePerMinute = "typing_rate_per_minute", pastedCharacters = "pasted_characters"
        case skippedLines = "skipped_lines"
    }

    public init(_ log: EventLog) {
        format = log.format
        events = log.events.count
        countsByType = Dictionary(grouping: log.events, by: \.typeName).mapValues(\.count)
        unknownTypes = log.unknownTypes
        first_s = log.events.first?.time_s
        last_s = log.events.last?.time_s
        let downs = log.keyDownTimes
        keyPresses = downs.count
        var active = 0.0
        for (a, b) in zip(downs, downs.dropFirst()) where b - a < 2 { active += b - a }
        typingRatePerMinute = active > 0 ? Double(downs.count) / active * 60 : nil
        var pasteCount = 0, pasted = 0
        for event in log.events { if case .paste(let n) = event.kind { pasteCount += 1; pasted += n } }
        pastes = pasteCount
        pastedCharacters = pasted
        questions = log.questions.count
        skippedLines = log.skipped.count
    }
}
