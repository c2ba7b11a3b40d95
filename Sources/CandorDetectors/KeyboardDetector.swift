import CandorDSP
import CandorReport
import Foundation

/// `detectors.keyboard`: typing heard in the candidate's audio against typing in the log.
///
/// In a proxy interview the keys are often typed by someone else, somewhere else: logged
/// typing with no key sounds (`logged_not_heard`: remote control, injected input, or a helper's
/// keyboard), or key sounds with nothing logged (`heard_not_logged`: the candidate typing on
/// another machine). Matched typing elsewhere in the session is what makes a silent stretch
/// meaningful: when no keystroke is audible anywhere (noise suppression removes them) the
/// result is inconclusive, not a flag.
public struct KeyboardDetector: Sendable {
    public static let id = "keyboard"
    public let settings: Configuration.Keyboard

    public init(settings: Configuration.Keyboard = .init()) { self.settings = settings }

    /// The tests of a press heard without its release the `keyboard` section sets, with
    /// `typicality` the bar for shape alone (`lone_press_typicality` inside speech,
    /// `faint_press_typicality` for faint onsets).
    public static func lonePressTests(_ settings: Configuration.Keyboard, typicality: Double) -> LonePressTests {
        LonePressTests(typicality: typicality, loudShare: settings.loudPressShare, loudTypicality: settings.minimumPressTypicality,
                       jointShare: settings.jointPressShare,
                       impulsiveness: settings.impulsivePressShare, impulsiveLoudness: settings.impulsivePressLoudness)
    }

    /// How key-like a transient is on the measures the lone-press tests use: the product of its
    /// typicality, loudness and impulsiveness, each from no lower than 0.01 (missing: 0.01).
    /// Fisher's combination of the three is a monotone function of the product.
    static func keyLikeness(_ transient: Keystroke) -> Double {
        [transient.typicality, transient.loudness, transient.impulsiveness].reduce(1.0) { $0 * max($1 ?? 0, 0.01) }
    }

    /// - Parameters:
    ///   - heard: presses detected in the candidate's audio (media time).
    ///   - logged: key-down times from the event log (log clock), or nil without a log.
    ///   - speech: the candidate's speech (segments in time order), where heard keystrokes are less certain.
    ///   - pressReleaseSeparation: how far this keyboard's press and release sounds separate by
    ///     spectral shape (``KeystrokeDetector/shapeModelSeparation``), reported as evidence, and
    ///     how many times that discriminant was refined (``KeystrokeDetector/shapeModelRefinements``)
    ///     and what it was first learnt from (``KeystrokeDetector/shapeModelSource``).
    ///   - dwell: the typist's dwell time the keystrokes were decoded with, centre and spread
    ///     (``KeystrokeDetector/dwellSeconds``), reported.
    ///   - releaseLikePresses: how many presses the keystroke detector left out as probably
    ///     releases (``KeystrokeDetector/releaseLikePresses``), reported.
    ///   - onsetBand: the band the presses were found in (Hz), how high the clicks reach
    ///     (``KeystrokeDetector/onsetBandTop_Hz``, ``KeystrokeDetector/clickBandTop_Hz``), and how
    ///     many transients rose above that and were set aside
    ///     (``KeystrokeDetector/aboveClickBandCount``), reported.
    public func detect(heard transients: [Keystroke], logged: [Double]?, speech: [SpeechSegment] = [],
                       pressReleaseSeparation: Double? = nil, pressReleaseRefinements: Int = 0, pressReleaseSource: String? = nil,
                       releaseLikePresses: Int = 0, dwell: (centre: Double, spread: Double)? = nil,
                       onsetBand: (low: Double, high: Double, clicksTo: Double?, aboveClicks: Int)? = nil) -> (DetectorResult, ClockAlignment?) {
        // Inside speech, a lone transient (no release heard) is more likely a plosive burst
        // than a key: key presses come with releases, speech sounds do not. Unless this keyboard's
        // releases are not heard at all: then, outside speech, most presses are lone too.
        let inSpeech = transients.map { speech.covers($0.time_s, margin: settings.speechMarginSeconds) }
        let quietTransients = transients.indices.filter { !inSpeech[$0] }
        let pairedOutside = quietTransients.filter { transients[$0].releaseHeard }.count
        let releasesInaudible = quietTransients.count >= settings.releaseEvidenceKeys
            && Double(pairedOutside) < settings.minimumReleaseFraction * Double(quietTransients.count)
        // …and typing comes in bursts: inside speech, a press with its release counts only with
        // others such within `typingContextSeconds` (two speech sounds a dwell time apart can
        // pass for a press and its release; they do not repeat at typing cadence).
        // Whether `count` others of `presses` (transient indices in time order) are within
        // `typingContextSeconds` of transient `index`.
        func another(of presses: [Int], near index: Int, count: Int = 1) -> Bool {
            let time = transients[index].time_s, context = settings.typingContextSeconds
            var next = presses.partitionIndex { transients[$0].time_s < time - context }
            var others = 0
            while next < presses.count && transients[presses[next]].time_s <= time + context {
                if presses[next] != index { others += 1; if others >= count { return true } }
                next += 1
            }
            return false
        }
        let paired = transients.indices.filter { transients[$0].releaseHeard }
        // A press with its release inside speech: `typingContextKeys` others within
        // `typingContextSeconds` (speech through a voice codec makes a pair-like sound now and
        // then — two of them within a second by chance, three seldom).
        func typingAround(_ index: Int) -> Bool { another(of: paired, near: index, count: max(1, settings.typingContextKeys)) }
        // A lone press amid typing (another of `context` within `typingContextSeconds`) still
        // counts when its release would have been masked by the speech anyway and it sounds
        // like this keyboard's presses (at least `minimumPressTypicality` typical)… or, whatever
        // its release would have sounded like, when it passes one of the tests of a press
        // heard without its release (``LonePressTests``): it sounds much like them
        // (`lonePressTypicality`: speech's transients are seldom that typical of them); it is as
        // loud as this keyboard's presses usually are and sounds somewhat like them (speech's
        // transients add far less power in the key band than key presses); its typicality and
        // loudness, each perhaps middling, together are as likely of them as `jointPressShare`
        // (speech's transients are low on both); or its energy arrives at once, as a key's
        // impact delivers it, and it is not among the quietest of them (speech's sounds spread
        // their energy over tens of milliseconds, and its lone transients amid typing are
        // mostly quieter) — that one only amid the presses kept (below).
        let tests = Self.lonePressTests(settings, typicality: settings.lonePressTypicality)
        func maskedKey(_ index: Int) -> Bool {
            guard transients[index].releaseMasked, let typicality = transients[index].typicality,
                  settings.minimumPressTypicality < 1 else { return false }
            return typicality >= settings.minimumPressTypicality
        }
        // Per transient: inside speech, a press heard with its release amid typing (kept for that,
        // and heard-but-not-logged evidence there, below). A press heard only as landing on
        // another key's release has, for its own release, just a release-shaped sound a dwell
        // time later — inside speech as likely a speech sound: there it counts as a lone press.
        let pairedInSpeech = transients.indices.map { index in
            inSpeech[index] && transients[index].releaseHeard && !transients[index].pressedOnRelease && typingAround(index)
        }
        // Which rule a press passes on its own, if any: its release masked (`maskedKey`), or one
        // of the lone-press tests (the impulsive one only with `impulsiveToo`).
        enum KeyRule { case masked, test(LonePressTests.Test) }
        func keyRule(_ index: Int, impulsiveToo: Bool) -> KeyRule? {
            if maskedKey(index) { return .masked }
            let transient = transients[index]
            return tests.passed(typicality: transient.typicality, loudness: transient.loudness,
                                impulsiveness: transient.impulsiveness, impulsiveToo: impulsiveToo).map(KeyRule.test)
        }
        // The rule each lone press inside speech was kept by (counted at the end, over the
        // presses still kept).
        var keptBy: [Int: KeyRule] = [:]
        // Whether a lone press amid `context` is kept by one of the rules (counted under it); the
        // impulsive rule only amid the presses kept (`impulsiveToo`, below). Amid: another press
        // of `context` within `typingContextSeconds` — for a faint one (its onset below the
        // detection threshold: weaker evidence of a sound at all) `typingContextKeys` others, as
        // a press heard with its release needs inside speech.
        func keptByRule(_ index: Int, amid context: [Int], impulsiveToo: Bool) -> Bool {
            guard another(of: context, near: index, count: transients[index].faint ? max(1, settings.typingContextKeys) : 1)
            else { return false }
            guard let rule = keyRule(index, impulsiveToo: impulsiveToo) else { return false }
            keptBy[index] = rule
            return true
        }
        var kept = [Bool](repeating: true, count: transients.count)
        // The presses heard with their releases a lone press may start from: outside speech, or
        // inside it amid typing (`pairedInSpeech`) or sounding like a key on its own (its
        // release masked, or passing one of the lone-press tests): two speech sounds a dwell
        // time apart make a pair-like sound now and then, and a lone speech sound next to one
        // would otherwise have typing around it (`testedContextPairs`; `false`: every pair).
        let contextPairs = !settings.testedContextPairs ? paired : paired.filter { index in
            !inSpeech[index] || pairedInSpeech[index] || keyRule(index, impulsiveToo: true) != nil
        }
        if settings.requireReleaseInSpeech && !releasesInaudible {
            for index in transients.indices where inSpeech[index] && !pairedInSpeech[index] {
                kept[index] = keptByRule(index, amid: contextPairs, impulsiveToo: false)
            }
            // Amid typing is then also amid presses kept without their releases (through a lossy
            // codec few presses under speech keep theirs, and a long answer typed while talking
            // has none for seconds): the rules are applied again, with any press kept within
            // `typingContextSeconds` as typing around, until no more are kept. A run of lone
            // presses inside speech still has to start next to a press heard with its release
            // or outside speech.
            var added = true
            while added {
                added = false
                let keptPresses = transients.indices.filter { kept[$0] }
                for index in transients.indices where !kept[index] {
                    guard keptByRule(index, amid: keptPresses, impulsiveToo: true) else { continue }
                    kept[index] = true
                    added = true
                }
            }
        }
        // The recording's own speech sets the bar (`speechTransientShare`): lone transients
        // inside speech far from any press kept are its own sounds, and a lone press inside
        // speech must be more key-like than most of them.
        var speechTransients = 0, speechTransientBar: Double?, speechLikeKeys = 0
        if settings.requireReleaseInSpeech && !releasesInaudible && settings.speechTransientShare > 0 {
            let keptTimes = transients.indices.filter { kept[$0] }.map { transients[$0].time_s }
            func farFromTyping(_ index: Int) -> Bool {
                let time = transients[index].time_s, distance = settings.speechTransientDistanceSeconds
                let next = keptTimes.partitionIndex { $0 <= time - distance }
                return next == keptTimes.count || keptTimes[next] >= time + distance
            }
            let own = transients.indices.filter { inSpeech[$0] && !transients[$0].releaseHeard && !kept[$0] && farFromTyping($0) }
            speechTransients = own.count
            if own.count >= settings.speechTransientMinimumCount,
               let bar = LatencyDetector.quantile(own.map { Self.keyLikeness(transients[$0]) }.sorted(), settings.speechTransientShare) {
                speechTransientBar = bar
                for index in transients.indices where kept[index] && inSpeech[index] && !pairedInSpeech[index]
                    && Self.keyLikeness(transients[index]) <= bar {
                    kept[index] = false
                    keptBy[index] = nil
                    speechLikeKeys += 1
                }
            }
        }
        var maskedKeys = 0, typicalKeys = 0, loudKeys = 0, impulsiveKeys = 0, jointKeys = 0
        for rule in keptBy.values {
            switch rule {
            case .masked: maskedKeys += 1
            case .test(.typical): typicalKeys += 1
            case .test(.loud): loudKeys += 1
            case .test(.joint): jointKeys += 1
            case .test(.impulsive): impulsiveKeys += 1
            }
        }
        let keptIndices = transients.indices.filter { kept[$0] }
        let heard = keptIndices.map { transients[$0] }
        // Heard inside speech with its release amid typing: what a key makes, and speech seldom
        // does (`unloggedPairedInSpeech`).
        let heardPairedInSpeech = keptIndices.map { pairedInSpeech[$0] }
        let heardTimes = heard.map(\.time_s)
        var fields: [String: JSONValue] = [
            "acoustic_keystrokes_s": JSONValue(heardTimes),
            "acoustic_confidence": .array(heard.map { .number($0.confidence) }),
            "lone_transients_in_speech": JSONValue(transients.count - heard.count),
            "presses_outside_speech": JSONValue(quietTransients.count),
            "releases_heard_outside_speech": JSONValue(pairedOutside),
            "presses_in_speech_release_masked": JSONValue(maskedKeys),
            "presses_in_speech_typical": JSONValue(typicalKeys),
            "presses_in_speech_loud": JSONValue(loudKeys),
            "presses_in_speech_impulsive": JSONValue(impulsiveKeys),
            "presses_in_speech_speech_like": JSONValue(speechLikeKeys),
            "speech_transients_away_from_typing": JSONValue(speechTransients),
            "speech_transient_bar": speechTransientBar.map(JSONValue.number) ?? .null,
            "presses_in_speech_joint": JSONValue(jointKeys),
            "faint_presses": JSONValue(heard.filter(\.faint).count),
            "press_release_separation": pressReleaseSeparation.map { .number($0) } ?? .null,
            "press_release_refinements": JSONValue(pressReleaseRefinements),
            "press_release_learnt_from": pressReleaseSource.map { .string($0) } ?? .null,
            "release_like_presses": JSONValue(releaseLikePresses),
            "dwell_s": dwell.map { .array([.number($0.centre), .number($0.spread)]) } ?? .null,
            "onset_band_hz": onsetBand.map { .array([.number($0.low), .number($0.high)]) } ?? .null,
            "click_band_top_hz": onsetBand?.clicksTo.map { .number($0) } ?? .null,
            "transients_above_click_band": onsetBand.map { JSONValue($0.aboveClicks) } ?? .null,
            "logged_keystrokes": logged.map { JSONValue($0.count) } ?? .number(0),
            "clock_offset_s": .null, "matched": .number(0), "windows": .array([]),
        ]
        guard let logged else {
            return (.skipped(Self.id, "no event log: \(heard.count) keystroke(s) heard; the comparison with logged typing needs --events",
                             fields: fields), nil)
        }
        guard !logged.isEmpty || !heard.isEmpty else {
            return (.inconclusive(Self.id, "no typing in the log and none heard", fields: fields), nil)
        }
        let tolerance = settings.matchToleranceSeconds
        let alignment = ClockAlignment.estimate(logged: logged, heard: heardTimes, tolerance: tolerance,
                                                searchSeconds: settings.offsetSearchSeconds,
                                                minimumMatched: settings.minimumMatchedKeys)
            ?? ClockAlignment(offset_s: 0, source: "session header")
        fields["clock_offset_s"] = .number(alignment.offset_s)
        fields["clock_source"] = .string(alignment.source)
        fields["clock_drift_ppm"] = .number(alignment.drift * 1e6)
        let sortedLogged = logged.sorted()
        let pairs = ClockAlignment.match(logged: sortedLogged, heard: heardTimes, offset: alignment.offset_s,
                                         drift: alignment.drift, tolerance: tolerance)
        fields["matched"] = JSONValue(pairs.count)
        let matchedLogged = Set(pairs.map(\.loggedIndex)), matchedHeard = Set(pairs.map(\.heardIndex))
        let loggedMedia = sortedLogged.map(alignment.mediaTime)

        // Candidate windows of each kind: runs of consecutive unmatched keys (in time order,
        // gaps under `windowGapSeconds`), broken by any matched key, so misses scattered through
        // well-heard typing never bridge into a genuinely silent stretch.
        let loggedRuns = runs(loggedMedia.indices.map { (loggedMedia[$0], matchedLogged.contains($0)) })
        // Heard-but-not-logged counts only confident keystrokes outside the candidate's speech —
        // plosives and fricatives are transients too, and an accusation needs clean evidence — or
        // inside it, presses heard with their releases amid typing (two others within a second;
        // `unloggedPairedInSpeech`): people type while they talk.
        let heardSequence: [(Double, Bool)] = heard.indices.compactMap { index in
            if matchedHeard.contains(index) { return (heardTimes[index], true) }
            guard heard[index].confidence >= settings.minimumConfidence,
                  (settings.unloggedPairedInSpeech && heardPairedInSpeech[index]) || !speech.covers(heardTimes[index], margin: 0.05)
            else { return nil }
            return (heardTimes[index], false)
        }
        let heardRuns = runs(heardSequence)
        let unlogged = heardSequence.filter { !$0.1 }.map(\.0)
        var windows: [(kind: String, start: Double, end: Double, count: Int, matchedInside: Int)] = []
        for run in loggedRuns where run.count >= settings.minimumWindowKeys {
            windows.append(("logged_not_heard", run.first!, run.last!, run.count, 0))
        }
        for run in heardRuns where run.count >= settings.minimumWindowKeys {
            let start = run.first!, end = run.last!
            // Typing cadence: presses a few per second, not sparse clicks.
            let gaps = zip(run, run.dropFirst()).map { $1 - $0 }.sorted()
            guard gaps[gaps.count / 2] < 0.8 else { continue }
            let loggedInside = loggedMedia.filter { $0 >= start - tolerance && $0 <= end + tolerance }.count
            if Double(loggedInside) <= settings.maximumWindowMatchFraction * Double(run.count + loggedInside) {
                windows.append(("heard_not_logged", start, end, run.count, loggedInside))
            }
        }
        windows.sort { $0.start < $1.start }
        fields["windows"] = .array(windows.map {
            .object(["start_s": .number($0.start), "end_s": .number($0.end), "kind": .string($0.kind), "keys": .number(Double($0.count))])
        })

        // Is the keyboard audible at all? Logged keys heard outside the logged-not-heard windows.
        let unheardWindows = windows.filter { $0.kind == "logged_not_heard" }
        let outside = loggedMedia.indices.filter { index in !unheardWindows.contains { loggedMedia[index] >= $0.start && loggedMedia[index] <= $0.end } }
        let heardOutside = outside.filter { matchedLogged.contains($0) }.count
        let audibleFraction = outside.isEmpty ? 0 : Double(heardOutside) / Double(outside.count)
        fields["audible_fraction"] = .number(audibleFraction)
        let audible = pairs.count >= settings.minimumMatchedKeys && audibleFraction >= settings.minimumAudibleFraction
        var flags: [EvidenceFlag] = []
        var reportable = windows.filter { $0.kind == "heard_not_logged" }
        if audible {
            reportable += unheardWindows
        } else if !unheardWindows.isEmpty && reportable.isEmpty {
            let reason = pairs.isEmpty
                ? "no logged keystroke is audible anywhere in the candidate's audio (noise suppression may remove key sounds), so silent typing proves nothing"
                : pairs.count < settings.minimumMatchedKeys
                ? String(format: "only %d logged keystrokes (%.0f%%) are audible, fewer than the %d needed to make silent stretches meaningful",
                         pairs.count, audibleFraction * 100, settings.minimumMatchedKeys)
                : String(format: "only %d of the %d logged keystrokes outside the silent stretches (%.0f%%) are audible, less than the %.0f%% needed to make silent stretches meaningful",
                         heardOutside, outside.count, audibleFraction * 100, settings.minimumAudibleFraction * 100)
            return (.inconclusive(Self.id, reason, fields: fields), alignment)
        }
        for window in reportable.sorted(by: { $0.start < $1.start }) {
            let severity: Severity = window.count >= settings.highSeverityKeys ? .high
                : window.count >= settings.mediumSeverityKeys ? .medium : .low
            let unheardKind = window.kind == "logged_not_heard"
            let title = unheardKind ? "\(window.count) logged keystrokes with no key sound"
                                    : "\(window.count) keystrokes heard but not in the log"
            let detail = unheardKind
                ? String(format: "Between %.1f s and %.1f s the log records %d key presses that cannot be heard in the candidate's audio, while %d of %d logged keys elsewhere are heard (clock offset %.3f s from %@).",
                         window.start, window.end, window.count, heardOutside, outside.count, alignment.offset_s, alignment.source)
                : String(format: "Between %.1f s and %.1f s the candidate's audio has %d typing sounds at typing cadence, and the log has %d key presses there.",
                         window.start, window.end, window.count, window.matchedInside)
            flags.append(EvidenceFlag(detector: Self.id, severity: severity, start_s: window.start, end_s: window.end, title: title,
                                      detail: detail, evidence: [
                                        "kind": .string(window.kind), "keys": JSONValue(window.count),
                                        "other_side_in_window": JSONValue(window.matchedInside),
                                        "clock_offset_s": .number(alignment.offset_s),
                                        "match_tolerance_s": .number(tolerance),
                                        "minimum_window_keys": JSONValue(settings.minimumWindowKeys)]))
        }
        let total = max(1, loggedMedia.count + unlogged.count)
        let windowKeys = reportable.reduce(0) { $0 + $1.count }
        let score = min(1, Double(windowKeys) / Double(total) * 2)
        let status: DetectorStatus = flags.isEmpty ? .ok : .flagged
        if flags.isEmpty && pairs.count < settings.minimumMatchedKeys {
            return (.inconclusive(Self.id, String(format: "%d logged key presses and %d heard, %d matched: too little typing to compare (at least %d matched keys are needed)",
                                                  loggedMedia.count, heardTimes.count, pairs.count, settings.minimumMatchedKeys), fields: fields), alignment)
        }
        let reason = String(format: "%d logged key presses, %d heard, %d matched (clock offset %.3f s from %@); %d mismatch window(s)",
                            loggedMedia.count, heardTimes.count, pairs.count, alignment.offset_s, alignment.source, flags.count)
        return (DetectorResult(id: Self.id, status: status, score: flags.isEmpty ? min(score, 0.2) : max(score, 0.5),
                               reason: reason, fields: fields, flags: flags), alignment)
    }

    /// Runs of consecutive unmatched times (sorted by time) with gaps under `windowGapSeconds`;
    /// a matched time ends a run.
    private func runs(_ sequence: [(Double, Bool)]) -> [[Double]] {
        var result: [[Double]] = []
        var current: [Double] = []
        for (time, matched) in sequence.sorted(by: { $0.0 < $1.0 }) {
            if matched {
                if !current.isEmpty { result.append(current); current = [] }
                continue
            }
            if let last = current.last, time - last >= settings.windowGapSeconds { result.append(current); current = [] }
            current.append(time)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

}
