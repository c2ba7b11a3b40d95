import CandorReport
import Foundation

/// The archive-level report (`candor scan report`): every recording's status and flags, and the
/// linked groups, from one or more stores (several machines' stores can be reported together).
public struct ScanReport: Sendable {
    public static let schema = "candor.scan/1"
    public var stores: [String]
    public var rows: [RecordingRow]
    public var groups: [LinkGroup]
    public var threshold: Double

    public init(stores: [ScanStore], threshold: Double) throws {
        self.stores = stores.map(\.location)
        var byPath: [String: RecordingRow] = [:]
        for store in stores {
            // The later store wins for a recording scanned in both (its row is newer or equal).
            for row in try store.recordings() {
                if let existing = byPath[row.path], existing.startedAt > row.startedAt { continue }
                byPath[row.path] = row
            }
        }
        rows = byPath.values.sorted { $0.path < $1.path }
        self.threshold = threshold
        groups = Links.find(rows.filter { $0.status == .done }, threshold: threshold)
    }

    /// A report over rows already chosen (e.g. one scan's recordings), with the given links.
    public init(rows: [RecordingRow], groups: [LinkGroup], threshold: Double = 0, stores: [String] = []) {
        self.rows = rows
        self.groups = groups
        self.threshold = threshold
        self.stores = stores
    }

    public struct Summary: Sendable, Equatable {
        public var recordings = 0, analysed = 0, flagged = 0, clear = 0, inconclusive = 0, failed = 0, timedOut = 0, interrupted = 0
        public var groups = 0
    }

    public var summary: Summary {
        var summary = Summary()
        summary.recordings = rows.count
        for row in rows {
            switch row.status {
            case .done:
                summary.analysed += 1
                switch row.overallStatus {
                case "review": summary.flagged += 1
                case "clear": summary.clear += 1
                default: summary.inconclusive += 1
                }
            case .failed: summary.failed += 1
            case .timedOut: summary.timedOut += 1
            case .running: summary.interrupted += 1
            }
        }
        summary.groups = groups.count
        return summary
    }

    // MARK: Renderers

    /// Plain text: the summary table, flagged recordings, failures and linked groups.
    public func text() -> String {
        let s = summary
        var out = "Candor scan of \(rows.count) recording\(rows.count == 1 ? "" : "s") (\(stores.joined(separator: ", ")))\n\n"
        let table: [(String, Int)] = [("analysed", s.analysed), ("  flagged for review", s.flagged), ("  clear", s.clear),
                                      ("  inconclusive", s.inconclusive), ("failed", s.failed), ("timed out", s.timedOut),
                                      ("interrupted (run --resume)", s.interrupted), ("linked groups", s.groups)]
        for (name, count) in table where count > 0 || !name.hasPrefix("  ") && name != "interrupted (run --resume)" {
            out += "  " + name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(count) + "\n"
        }
        let flagged = rows.filter { $0.overallStatus == "review" }
        if !flagged.isEmpty {
            out += "\nFlagged for review\n"
            for row in flagged {
                out += "  \(row.path)" + (row.candidateId.map { "  [candidate \($0)]" } ?? "") + "\n"
                for flag in row.flags {
                    out += String(format: "    %@ %@ %@–%@  %@\n", flag.severity.rawValue, flag.detector, clock(flag.start_s),
                                  clock(flag.end_s), flag.title)
                }
            }
        }
        let broken = rows.filter { $0.status == .failed || $0.status == .timedOut }
        if !broken.isEmpty {
            out += "\nNot analysed\n"
            for row in broken { out += "  \(row.path): \(row.status == .timedOut ? "timed out" : "failed"): \(row.error ?? "")\n" }
        }
        if !groups.isEmpty {
            out += "\nLinked groups\n"
            for (index, group) in groups.enumerated() {
                out += "  \(index + 1). \(group.kind.rawValue): \(group.detail)\n"
                for path in group.recordings { out += "       \(path)\n" }
            }
        }
        return out
    }

    /// One line per recording.
    public func csv() -> String {
        var out = "path,status,overall,score,candidate_id,interview_id,duration_s,elapsed_s,flags,detectors_flagged,linked_groups,error\n"
        for row in rows {
            let groupNumbers = groups.indices.filter { groups[$0].recordings.contains(row.path) }.map { String($0 + 1) }
            let fields: [String] = [
                row.path, row.status.rawValue, row.overallStatus ?? "", row.overallScore.map { String(format: "%.3f", $0) } ?? "",
                row.candidateId ?? "", row.interviewId ?? "", row.duration_s.map { String(format: "%.2f", $0) } ?? "",
                row.elapsed_s.map { String(format: "%.2f", $0) } ?? "", String(row.flags.count),
                Set(row.flags.map(\.detector)).sorted().joined(separator: ";"), groupNumbers.joined(separator: ";"), row.error ?? "",
            ]
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ text: String) -> String {
        // Cells starting with = + - @ are prefixed with ' so spreadsheets do not run them as formulas.
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public var json: JSONValue {
        let s = summary
        return .object([
            "schema": .string(Self.schema),
            "stores": .array(stores.map { .string($0) }),
            "voice_threshold": .number(threshold),
            "summary": .object([
                "recordings": JSONValue(s.recordings), "analysed": JSONValue(s.analysed), "flagged": JSONValue(s.flagged),
                "clear": JSONValue(s.clear), "inconclusive": JSONValue(s.inconclusive), "failed": JSONValue(s.failed),
                "timed_out": JSONValue(s.timedOut), "interrupted": JSONValue(s.interrupted), "linked_groups": JSONValue(s.groups),
            ]),
            "recordings": .array(rows.map { row in
                .object([
                    "path": .string(row.path), "events": JSONValue(row.eventsPath), "status": .string(row.status.rawValue),
                    "overall_status": JSONValue(row.overallStatus), "score": JSONValue(row.overallScore),
                    "candidate_id": JSONValue(row.candidateId), "interview_id": JSONValue(row.interviewId),
                    "duration_s": JSONValue(row.duration_s), "elapsed_s": JSONValue(row.elapsed_s), "error": JSONValue(row.error),
                    "media_sha256": JSONValue(row.mediaHash), "attempts": JSONValue(row.attempts),
                    "flags": .array(row.flags.compactMap { try? JSONValue.from($0) }),
                    "identifiers": .array(row.identifiers.map { .object(["kind": .string($0.kind), "value": .string($0.value)]) }),
                ])
            }),
            "groups": .array(groups.map { group in
                .object([
                    "kind": .string(group.kind.rawValue), "detail": .string(group.detail),
                    "recordings": .array(group.recordings.map { .string($0) }),
                    "candidate_ids": .array(group.candidateIds.map { .string($0) }), "evidence": group.evidence,
                ])
            }),
        ])
    }

    /// A self-contained HTML page (no scripts, no external resources).
    public func html() -> String {
        let s = summary
        func e(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var out = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Candor scan</title><style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1d1f}table{border-collapse:collapse;margin:1em 0}
            td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}th{background:#f4f4f6}
            .review{color:#a40000;font-weight:600}.clear{color:#1a6b1a}.failed,.timed_out{color:#8a5a00}
            .num{text-align:right}small{color:#666}</style></head><body>
            <h1>Candor scan</h1><p><small>\(e(stores.joined(separator: ", ")))</small></p>
            <table><tr><th>recordings</th><th>analysed</th><th>flagged</th><th>clear</th><th>inconclusive</th><th>failed</th>
            <th>timed out</th><th>linked groups</th></tr><tr>
            """
        for value in [s.recordings, s.analysed, s.flagged, s.clear, s.inconclusive, s.failed, s.timedOut, s.groups] {
            out += "<td class=\"num\">\(value)</td>"
        }
        out += "</tr></table>\n"
        if !groups.isEmpty {
            out += "<h2>Linked groups</h2><ol>\n"
            for group in groups {
                out += "<li><b>\(e(group.kind.rawValue))</b>: \(e(group.detail))<ul>"
                for path in group.recordings { out += "<li>\(e(path))</li>" }
                out += "</ul><small>\(e(group.evidence.canonical(pretty: false, decimals: 3)))</small></li>\n"
            }
            out += "</ol>\n"
        }
        out += "<h2>Recordings</h2><table><tr><th>recording</th><th>result</th><th>score</th><th>candidate</th><th>flags / error</th></tr>\n"
        for row in rows {
            let result = row.status == .done ? (row.overallStatus ?? "") : row.status.rawValue
            var notes = row.flags.map { "\($0.severity.rawValue) \($0.detector) \(clock($0.start_s)): \($0.title)" }
            if let error = row.error { notes.append(error) }
            out += "<tr><td>\(e(row.path))</td><td class=\"\(e(result))\">\(e(result))</td>"
            out += "<td class=\"num\">\(row.overallScore.map { String(format: "%.2f", $0) } ?? "")</td>"
            out += "<td>\(e(row.candidateId ?? ""))</td><td>\(notes.map(e).joined(separator: "<br>"))</td></tr>\n"
        }
        out += "</table></body></html>\n"
        return out
    }

    private func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
