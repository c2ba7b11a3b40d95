import Foundation

/// One self-contained, offline HTML file for a ``Report``: a summary, an SVG timeline (speech
/// turns per role, answer latencies, keystrokes heard and logged, voice segments and change
/// points, flags as highlighted ranges), the flags, and a section per detector with what it
/// measures, its limits and the thresholds in force. No scripts, fonts or network.
public struct HTMLRenderer: Sendable {
    public init() {}

    public func render(_ report: Report) -> String {
        let overall = report.overall
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Candor report — \(escape(report.input.media))</title>
            <style>\(HTMLRenderer.css)</style></head><body>
            <header><h1>Candor report</h1>
            <p class="media">\(escape(report.input.media)) · \(TextRenderer.clock(report.input.duration_s))\(report.input.events.map { " · events: " + escape($0) } ?? "")</p>
            <p class="overall \(overall.status)"><span class="badge">\(overall.status.uppercased())</span> \(escape(overall.summary)) <span class="score">score \(format(overall.score))</span></p>
            <p class="note">Evidence for a human reviewer, not a verdict. Every flag carries its time range, measurement and threshold.</p>
            </header>
            """
        html += "<section><h2>Roles</h2><p>\(escape(rolesText(report.input.roles)))</p>"
        for warning in report.input.warnings { html += "<p class=\"warning\">⚠ \(escape(warning))</p>" }
        html += "</section>"
        html += "<section><h2>Timeline</h2>" + timeline(report) + legend() + "</section>"
        html += flagsSection(report)
        for id in report.detectors.keys.sorted() { html += detectorSection(report.detectors[id]!, thresholds: report.thresholds[id]) }
        html += "<footer>candor \(escape(report.toolVersion)) · \(escape(Report.schema))</footer></body></html>\n"
        return html
    }

    // MARK: - Timeline

    func timeline(_ report: Report) -> String {
        let duration = max(report.input.duration_s, report.timeline.turns.map(\.end_s).max() ?? 0, 1)
        let width = 1000.0, left = 150.0, right = 10.0, rowHeight = 26.0
        let plot = width - left - right
        func x(_ t: Double) -> Double { left + max(0, min(t, duration)) / duration * plot }
        let latency = report.detectors["latency"]
        let voice = report.detectors["voice"]
        let rows = ["Interviewer speech", "Candidate speech", "Questions (log)", "Answer latency", "Keys heard", "Keys logged", "Voice"]
        let top = 10.0
        let height = top + Double(rows.count) * rowHeight + 30
        var svg = "<svg class=\"timeline\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Interview timeline\" xmlns=\"http://www.w3.org/2000/svg\">"
        // Flags first, as highlighted ranges behind everything.
        for flag in report.flags {
            let x0 = x(flag.start_s), x1 = max(x(flag.end_s), x0 + 2)
            svg += "<rect class=\"flag \(flag.severity.rawValue)\" x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(Double(rows.count) * rowHeight))\"><title>\(escape(flag.title))</title></rect>"
        }
        for (index, name) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += "<text class=\"row\" x=\"\(f(left - 8))\" y=\"\(f(y + rowHeight * 0.62))\" text-anchor=\"end\">\(name)</text>"
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y + rowHeight))\" y2=\"\(f(y + rowHeight))\"/>"
        }
        func bar(_ row: Int, _ start: Double, _ end: Double, _ cls: String, _ title: String) -> String {
            let y = top + Double(row) * rowHeight + 5
            return "<rect class=\"\(cls)\" x=\"\(f(x(start)))\" y=\"\(f(y))\" width=\"\(f(max(1, x(end) - x(start))))\" height=\"\(f(rowHeight - 10))\"><title>\(escape(title))</title></rect>"
        }
        for turn in report.timeline.turns {
            let row = turn.speaker == "interviewer" ? 0 : 1
            svg += bar(row, turn.start_s, turn.end_s, "turn \(turn.speaker == "interviewer" ? "interviewer" : "candidate")",
                       "\(turn.speaker) \(clock(turn.start_s))–\(clock(turn.end_s))")
        }
        for question in report.timeline.questions where question.count == 2 {
            svg += bar(2, question[0], question[1], "question", "question \(clock(question[0]))–\(clock(question[1]))")
        }
        for turn in latency?.fields["turns"]?.array ?? [] {
            guard let end = turn["question_end_s"]?.number, let start = turn["answer_start_s"]?.number,
                  let gap = turn["latency_s"]?.number else { continue }
            let flagged = turn["flagged"] == .bool(true)
            let y = top + 3 * rowHeight + rowHeight / 2
            svg += "<line class=\"latency\(flagged ? " slow" : "")\" x1=\"\(f(x(min(end, start))))\" x2=\"\(f(max(x(max(end, start)), x(min(end, start)) + 2)))\" y1=\"\(f(y))\" y2=\"\(f(y))\"><title>answer after \(format(gap)) s</title></line>"
            svg += "<text class=\"label\" x=\"\(f(x(max(end, start)) + 3))\" y=\"\(f(y + 4))\">\(format(gap, decimals: 1))s</text>"
        }
        for (row, times, cls) in [(4, report.timeline.keystrokesHeard_s, "key heard"), (5, report.timeline.keystrokesLogged_s, "key logged")] {
            let y = top + Double(row) * rowHeight
            for t in times { svg += "<line class=\"\(cls)\" x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(y + 6))\" y2=\"\(f(y + rowHeight - 6))\"/>" }
        }
        for segment in voice?.fields["segments"]?.array ?? [] {
            guard let start = segment["start_s"]?.number, let end = segment["end_s"]?.number else { continue }
            let speaker = segment["speaker"]?.string ?? "voice A"
            svg += bar(6, start, end, "voice \(speaker == "voice A" ? "a" : "b")", "\(speaker) \(clock(start))–\(clock(end))")
        }
        for change in voice?.fields["change_points_s"]?.array?.compactMap(\.number) ?? [] {
            svg += "<line class=\"change\" x1=\"\(f(x(change)))\" x2=\"\(f(x(change)))\" y1=\"\(f(top))\" y2=\"\(f(top + Double(rows.count) * rowHeight))\"><title>voice change at \(clock(change))</title></line>"
        }
        // Time axis.
        let step = HTMLRenderer.tickStep(duration)
        let axisY = top + Double(rows.count) * rowHeight
        var tick = 0.0
        while tick <= duration + 1e-9 {
            svg += "<line class=\"tick\" x1=\"\(f(x(tick)))\" x2=\"\(f(x(tick)))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY + 5))\"/>"
            let label = tick >= 3600 ? clock(tick) : String(format: "%d:%02d", Int(tick) / 60, Int(tick) % 60)
            svg += "<text class=\"axis\" x=\"\(f(x(tick)))\" y=\"\(f(axisY + 18))\" text-anchor=\"middle\">\(label)</text>"
            tick += step
        }
        return svg + "</svg>"
    }

    static func tickStep(_ duration: Double) -> Double {
        for step in [1.0, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] where duration / step <= 12 { return step }
        return 7200
    }

    func legend() -> String {
        """
        <p class="legend"><span class="sw interviewer"></span>interviewer <span class="sw candidate"></span>candidate \
        <span class="sw question"></span>question (log) <span class="sw slow"></span>slow answer \
        <span class="sw heard"></span>key heard <span class="sw logged"></span>key logged \
        <span class="sw vb"></span>second voice <span class="sw flagged"></span>flagged range</p>
        """
    }

    // MARK: - Sections

    func flagsSection(_ report: Report) -> String {
        let flags = report.flags
        guard !flags.isEmpty else { return "<section><h2>Flags</h2><p>None.</p></section>" }
        var html = "<section><h2>Flags</h2><table><thead><tr><th>Severity</th><th>Time</th><th>Detector</th><th>What</th><th>Evidence</th></tr></thead><tbody>"
        for flag in flags {
            let evidence = flag.evidence.keys.sorted().map { "\(escape($0)) = \(escape(flag.evidence[$0]!.canonical(pretty: false)))" }.joined(separator: "<br>")
            html += "<tr class=\"\(flag.severity.rawValue)\"><td>\(flag.severity.rawValue)</td><td>\(clock(flag.start_s))–\(clock(flag.end_s))</td><td>\(escape(flag.detector))</td><td><strong>\(escape(flag.title))</strong><br>\(escape(flag.detail))</td><td class=\"evidence\">\(evidence)</td></tr>"
        }
        return html + "</tbody></table></section>"
    }

    func detectorSection(_ result: DetectorResult, thresholds: JSONValue?) -> String {
        let about = HTMLRenderer.explanations[result.id] ?? ("", "")
        var html = "<section class=\"detector\"><h2>\(escape(result.id.capitalized)) <span class=\"status \(result.status.rawValue)\">\(result.status.rawValue)</span></h2>"
        html += "<p>\(escape(result.reason))</p>"
        if !about.0.isEmpty { html += "<p><strong>What it measures.</strong> \(escape(about.0))</p>" }
        if !about.1.isEmpty { html += "<p><strong>Limits.</strong> \(escape(about.1))</p>" }
        let figures = result.fields.keys.sorted().filter { key in
            if case .array(let items) = result.fields[key]!, items.count > 8 { return false }
            if case .object = result.fields[key]! { return key == "voices_s" }
            return true
        }
        if !figures.isEmpty {
            html += "<details><summary>Measurements</summary><table class=\"kv\">"
            for key in figures { html += "<tr><th>\(escape(key))</th><td>\(escape(result.fields[key]!.canonical(pretty: false)))</td></tr>" }
            html += "</table></details>"
        }
        if let object = thresholds?.object, !object.isEmpty {
            html += "<details><summary>Thresholds in force</summary><table class=\"kv\">"
            for key in object.keys.sorted() { html += "<tr><th>\(escape(key))</th><td>\(escape(object[key]!.canonical(pretty: false)))</td></tr>" }
            html += "</table></details>"
        }
        return html + "</section>"
    }

    static let explanations: [String: (String, String)] = [
        "latency": ("The gap between the end of each interviewer question and the start of the candidate's answer, from each role's speech. Relayed answers (whispered, typed or read from someone else) start seconds late, and do so on most questions; ordinary answers over video start within about 1–1.5 s.",
                    "A hard question legitimately takes longer, so only a consistently slow pattern is flagged. Poor connections add delay to every answer. Fewer than four question–answer pairs is inconclusive. Mixed (one-track) recordings rely on diarization, whose role assignment confidence is shown above."),
        "keyboard": ("Key presses heard in the candidate's audio (sharp high-band transients) matched against key presses in the event log after aligning the two clocks from the keystroke patterns. Stretches of logged typing that cannot be heard, or typing heard but not logged, are evidence that someone else is typing.",
                     "Noise suppression in meeting apps can remove key sounds entirely; then the result is inconclusive rather than a flag. Loud speech over typing masks some key presses, and speech has clicks of its own (plosive bursts): inside the candidate's speech a click counts amid other typing when its key release is heard too, or when it sounds much like this keyboard's presses heard with their releases (or its release would have been too quiet to hear there), and heard-but-not-logged counts only confident clicks outside the candidate's speech."),
        "voice": ("Speaker statistics of the candidate's speech (spectral envelope and pitch) over short windows, tested for a point where they change by far more than the session's own variation (a permutation test calibrated on each session); optionally compared with voiceprints of earlier interviews.",
                  "Needs tens of seconds of speech per voice. Very similar voices, heavy processing (voice changers, strong noise suppression) or a change of microphone can reduce separation or add spurious change; voiceprints are compared without a population model, so cross-interview similarity is a screening signal, not identification."),
        "typing": ("The rhythm of logged typing: pastes (large inserts, especially right after a question), injected or scripted typing (intervals far more regular than human typing, or locked to a timer), and focus leaving the coding window while a question is open.",
                   "Rhythm statistics need enough keys; fewer is inconclusive. Legitimate pastes (boilerplate, a URL) happen; the evidence lists sizes and times for a human to judge."),
    ]

    // MARK: - Helpers

    func rolesText(_ roles: Report.Roles) -> String {
        if roles.source == "diarized" {
            var text = "One mixed source (\(roles.mixed ?? "?")); speakers separated by diarization."
            if let confidence = roles.assignmentConfidence, let basis = roles.assignmentBasis {
                text += " Interviewer chosen by \(basis), confidence \(format(confidence))."
            }
            return text
        }
        return "Interviewer \(roles.interviewer ?? "—"), candidate \(roles.candidate ?? "—") (from \(roles.source)). \(roles.note)"
    }

    func clock(_ t: Double) -> String { TextRenderer.clock(t) }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func format(_ value: Double, decimals: Int = 2) -> String { String(format: "%.\(decimals)f", value) }

    func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let css = """
        :root{--ink:#1d2330;--muted:#5b6474;--line:#d9dde5;--iv:#4a78c2;--cd:#2e9e6a;--q:#b58bd6;--slow:#d13c3c;--high:#d13c3c;--medium:#e08a1e;--low:#c9b23c}
        body{font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);max-width:1100px;margin:24px auto;padding:0 20px}
        h1{margin:0 0 4px;font-size:26px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        .media,.note,footer{color:var(--muted)}.note{font-size:13px}
        .overall{font-size:17px}.badge{font-weight:700;padding:2px 10px;border-radius:4px;color:#fff;background:var(--muted)}
        .overall.review .badge{background:var(--high)}.overall.clear .badge{background:var(--cd)}.overall.inconclusive .badge{background:var(--medium)}
        .score{color:var(--muted);font-size:13px;margin-left:6px}
        .warning{color:#8a5a00}
        svg.timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
        svg text{font-size:12px;fill:var(--ink)}svg text.axis,svg text.label{font-size:10px;fill:var(--muted)}
        .grid{stroke:#eef0f4}.tick{stroke:var(--muted)}
        .turn.interviewer{fill:var(--iv)}.turn.candidate{fill:var(--cd)}.question{fill:var(--q)}
        .latency{stroke:var(--cd);stroke-width:4}.latency.slow{stroke:var(--slow)}
        .key.heard{stroke:#333;stroke-width:1}.key.logged{stroke:#2f6fd6;stroke-width:1}
        .voice.a{fill:#7c8aa5}.voice.b{fill:#e07b39}.change{stroke:#e07b39;stroke-width:2;stroke-dasharray:4 3}
        rect.flag{fill:rgba(209,60,60,.13)}rect.flag.medium{fill:rgba(224,138,30,.15)}rect.flag.low{fill:rgba(201,178,60,.15)}
        .legend{font-size:12px;color:var(--muted)}.sw{display:inline-block;width:12px;height:10px;margin:0 4px 0 10px;vertical-align:middle}
        .sw.interviewer{background:var(--iv)}.sw.candidate{background:var(--cd)}.sw.question{background:var(--q)}.sw.slow{background:var(--slow)}
        .sw.heard{background:#333;width:2px}.sw.logged{background:#2f6fd6;width:2px}.sw.vb{background:#e07b39}.sw.flagged{background:rgba(209,60,60,.25)}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
        tr.high td:first-child{color:var(--high);font-weight:700}tr.medium td:first-child{color:var(--medium);font-weight:700}
        td.evidence{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;color:var(--muted)}
        .status{font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;background:#eef0f4;margin-left:6px;vertical-align:middle}
        .status.flagged{background:#fbe3e3;color:var(--high)}.status.ok{background:#e2f4ea;color:#1f7a4e}.status.inconclusive{background:#fdf0dc;color:#8a5a00}
        table.kv th{width:35%;font-weight:500;color:var(--muted)}details{margin:6px 0}summary{cursor:pointer;color:var(--muted)}
        footer{margin-top:30px;font-size:12px}
        @media print{body{margin:0;max-width:none;font-size:11pt}details{display:block}details>summary{display:none}details>*{display:block}
        section{break-inside:avoid}svg.timeline{border:none}a{color:inherit}}
        """
}
