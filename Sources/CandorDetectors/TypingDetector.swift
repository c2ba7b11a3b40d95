import CandorEvents
import CandorReport
import Foundation

/// `detectors.typing`: the behaviour of logged typing itself — pastes, scripted or injected
/// input, a change of typist, and the coding window losing focus while a question is open.
public struct TypingDetector: Sendable {
    public static let id = "typing"
    public let settings: Configuration.Typing

    public init(settings: Configuration.Typing = .init()) { self.settings = settings }

    /// - Parameter mediaTime: maps log time to media time (the keyboard detector's clock alignment).
    public func detect(log: EventLog?, mediaTime: (Double) -> Double = { $0 }) -> DetectorResult {
        guard let log else { return .skipped(Self.id, "no event log") }
        var flags: [EvidenceFlag] = []
        var fields: [String: JSONValue] = [:]
        let questions = log.questions
        let downs = log.events.filter(\.isKeyDown).map(\.time_s)
        fields["keys"] = JSONValue(downs.count)

        // Pastes.
        var pasteCount = 0
        for event in log.events {
            guard case .paste(let characters) = event.kind, characters >= settings.largePasteCharacters else { continue }
            pasteCount += 1
            let afterQuestion = questions.first { event.time_s >= $0.start_s && event.time_s - $0.end_s <= settings.pasteAfterQuestionSeconds }
            let severity: Severity = afterQuestion != nil ? .medium : .low
            var detail = "\(characters) characters were inserted at once"
            if let question = afterQuestion {
                detail += String(format: ", %.0f s after question %@ %@", event.time_s - question.start_s, question.id,
                                 event.time_s <= question.end_s ? "was asked" : "ended")
            }
            flags.append(EvidenceFlag(detector: Self.id, severity: severity, start_s: mediaTime(event.time_s), end_s: mediaTime(event.time_s),
                                      title: "Paste of \(characters) characters", detail: detail + ".",
                                      evidence: ["characters": JSONValue(characters), "log_time_s": .number(event.time_s),
                                                 "question": JSONValue(afterQuestion?.id), "threshold_chars": JSONValue(settings.largePasteCharacters)]))
        }
        fields["large_pastes"] = JSONValue(pasteCount)

        // Rhythm: intervals within typing runs (gaps under 2 s).
        let intervals = zip(downs, downs.dropFirst()).map { $1 - $0 }.filter { $0 > 0 && $0 < 2 }
        if intervals.count >= settings.minimumKeys {
            let cv = TypingDetector.coefficientOfVariation(intervals)
            fields["interval_cv"] = .number(cv)
            fields["median_interval_s"] = .number(TypingDetector.median(intervals))
            if cv < settings.scriptedMaximumCV {
                flags.append(EvidenceFlag(detector: Self.id, severity: .high, start_s: mediaTime(downs.first!), end_s: mediaTime(downs.last!),
                                          title: String(format: "Machine-regular typing (interval variation %.2f)", cv),
                                          detail: String(format: "%d key presses arrive at intervals varying by only %.0f%% (coefficient of variation %.2f; human typing varies by 50–100%%, the threshold is %.2f).",
                                                         downs.count, cv * 100, cv, settings.scriptedMaximumCV),
                                          evidence: ["interval_cv": .number(cv), "keys": JSONValue(downs.count), "threshold": .number(settings.scriptedMaximumCV)]))
            }
            // A timer grid: intervals on multiples of 10 or 12 ms, while the clock itself is finer.
            for period in [0.010, 0.012] {
                let locked = TypingDetector.fractionOnGrid(intervals, period: period)
                let clockGrid = TypingDetector.fractionOnGrid(downs, period: period)
                if locked >= settings.timerLockFraction && clockGrid < 0.5 {
                    flags.append(EvidenceFlag(detector: Self.id, severity: .high, start_s: mediaTime(downs.first!), end_s: mediaTime(downs.last!),
                                              title: String(format: "Key intervals locked to a %.0f ms timer", period * 1000),
                                              detail: String(format: "%.0f%% of inter-key intervals fall within 1 ms of a multiple of %.0f ms (chance: about %.0f%%), although the log's timestamps themselves are not on that grid — the signature of automation tools.",
                                                             locked * 100, period * 1000, 0.002 / period * 100),
                                              evidence: ["fraction": .number(locked), "period_s": .number(period), "threshold": .number(settings.timerLockFraction)]))
                    break
                }
            }
            // Change of typist: first third against last third.
            let third = downs.count / 3
            if third >= settings.minimumKeys {
                let early = zip(downs.prefix(third), downs.prefix(third).dropFirst()).map { $1 - $0 }.filter { $0 > 0 && $0 < 2 }
                let lateKeys = Array(downs.suffix(third))
                let late = zip(lateKeys, lateKeys.dropFirst()).map { $1 - $0 }.filter { $0 > 0 && $0 < 2 }
                if early.count >= 20 && late.count >= 20 {
                    let ratio = TypingDetector.median(late) / TypingDetector.median(early)
                    let p = TypingDetector.kolmogorovSmirnovP(early, late)
                    fields["rhythm_ratio"] = .number(ratio)
                    fields["rhythm_p"] = .number(p)
                    if p < 0.001 && (ratio >= settings.rhythmChangeRatio || ratio <= 1 / settings.rhythmChangeRatio) {
                        flags.append(EvidenceFlag(detector: Self.id, severity: .medium, start_s: mediaTime(lateKeys.first!), end_s: mediaTime(lateKeys.last!),
                                                  title: String(format: "Typing rhythm changes (median interval ×%.2f)", ratio),
                                                  detail: String(format: "The median time between key presses is %.0f ms in the first third of the typing and %.0f ms in the last (two-sample test p = %.1g); one typist's rhythm is usually stable.",
                                                                 TypingDetector.median(early) * 1000, TypingDetector.median(late) * 1000, p),
                                                  evidence: ["ratio": .number(ratio), "p_value": .number(p), "threshold_ratio": .number(settings.rhythmChangeRatio)]))
                    }
                }
            }
        }
        // Hold times.
        var pendingDown: [String: Double] = [:]
        var holds: [Double] = []
        for event in log.events {
            guard case .key(let down, let code, _) = event.kind, let code else { continue }
            if down { pendingDown[code] = event.time_s } else if let start = pendingDown.removeValue(forKey: code), event.time_s - start < 2 {
                holds.append(event.time_s - start)
            }
        }
        if holds.count >= settings.minimumKeys {
            let cv = TypingDetector.coefficientOfVariation(holds)
            fields["hold_cv"] = .number(cv)
            if cv < settings.holdMaximumCV {
                flags.append(EvidenceFlag(detector: Self.id, severity: .high, start_s: mediaTime(downs.first ?? 0), end_s: mediaTime(downs.last ?? 0),
                                          title: String(format: "Constant key hold times (variation %.2f)", cv),
                                          detail: String(format: "%d keys are held down for almost exactly the same time (median %.0f ms, coefficient of variation %.2f; threshold %.2f).",
                                                         holds.count, TypingDetector.median(holds) * 1000, cv, settings.holdMaximumCV),
                                          evidence: ["hold_cv": .number(cv), "holds": JSONValue(holds.count), "threshold": .number(settings.holdMaximumCV)]))
            }
        }
        // Focus lost while a question is open.
        var lostAt: Double? = nil
        var outOfFocus = 0.0
        var focusFlags: [EvidenceFlag] = []
        for event in log.events {
            guard case .focus(let gained) = event.kind else { continue }
            if !gained { lostAt = lostAt ?? event.time_s } else if let start = lostAt {
                lostAt = nil
                if let question = questions.first(where: { start >= $0.start_s && start <= $0.end_s }) {
                    outOfFocus += event.time_s - start
                    focusFlags.append(EvidenceFlag(detector: Self.id, severity: .low, start_s: mediaTime(start), end_s: mediaTime(event.time_s),
                                                   title: String(format: "Coding window left for %.0f s during question %@", event.time_s - start, question.id),
                                                   detail: "Focus left the coding window while question \(question.id) was open.",
                                                   evidence: ["away_s": .number(event.time_s - start), "question": .string(question.id)]))
                }
            }
        }
        if outOfFocus >= settings.focusLostMediumSeconds { focusFlags = focusFlags.map { var f = $0; f.severity = .medium; return f } }
        flags += focusFlags
        fields["focus_lost_during_questions_s"] = .number(outOfFocus)

        if flags.isEmpty && downs.count < settings.minimumKeys {
            return .inconclusive(Self.id, "only \(downs.count) key presses and no large paste; rhythm checks need \(settings.minimumKeys)", fields: fields)
        }
        let score = flags.isEmpty ? 0 : min(1, flags.map { $0.severity == .high ? 0.9 : $0.severity == .medium ? 0.6 : 0.3 }.max()!)
        let reason = flags.isEmpty
            ? "\(downs.count) key presses with human rhythm; no large paste; no focus lost during questions"
            : "\(flags.count) finding(s) in \(downs.count) key presses and \(pasteCount) large paste(s)"
        return DetectorResult(id: Self.id, status: flags.isEmpty ? .ok : .flagged, score: score, reason: reason, fields: fields, flags: flags)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func coefficientOfVariation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return 0 }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance.squareRoot() / mean
    }

    /// Share of values within 1 ms of a multiple of `period`.
    static func fractionOnGrid(_ values: [Double], period: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let near = values.filter { value in
            let remainder = value.truncatingRemainder(dividingBy: period)
            return min(remainder, period - remainder) <= 0.001
        }.count
        return Double(near) / Double(values.count)
    }

    /// Two-sample Kolmogorov–Smirnov p-value (asymptotic).
    static func kolmogorovSmirnovP(_ a: [Double], _ b: [Double]) -> Double {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0
        var d = 0.0
        while i < x.count && j < y.count {
            let value = min(x[i], y[j])
            while i < x.count && x[i] <= value { i += 1 }
            while j < y.count && y[j] <= value { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        let n = Double(x.count * y.count) / Double(x.count + y.count)
        let lambda = (n.squareRoot() + 0.12 + 0.11 / n.squareRoot()) * d
        var sum = 0.0
        for k in 1...100 {
            let term = 2 * pow(-1, Double(k - 1)) * exp(-2 * Double(k * k) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
        }
        return min(1, max(0, sum))
    }
}
