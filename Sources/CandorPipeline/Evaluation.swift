import CandorMedia
import CandorReport
import Foundation

/// `candor evaluate`: runs every case of a labelled manifest and measures each detector.
public enum Evaluation {
    public struct CaseOutcome: Sendable {
        public var id: String
        public var report: JSONValue?
        public var error: String?
        public var seconds: Double
    }

    /// Analyses every case, `jobs` at a time. A case that fails is recorded, not fatal.
    public static func run(_ manifest: Manifest, configuration: Configuration, jobs: Int, toolVersion: String,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) -> [CaseOutcome] {
        let collector = Collector(count: manifest.cases.count)
        let semaphore = DispatchSemaphore(value: max(1, jobs))
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "candor.evaluate", attributes: .concurrent)
        for (index, item) in manifest.cases.enumerated() {
            semaphore.wait()
            group.enter()
            queue.async {
                defer { semaphore.signal(); group.leave() }
                let started = Date()
                var outcome = CaseOutcome(id: item.id, report: nil, error: nil, seconds: 0)
                do {
                    let options = AnalysisOptions(media: item.media, events: item.events,
                                                  interviewer: try item.interviewer.map { try SourceSpec(parsing: $0) },
                                                  candidate: try item.candidate.map { try SourceSpec(parsing: $0) },
                                                  configuration: configuration, toolVersion: toolVersion)
                    outcome.report = try Analysis.run(options).json
                } catch {
                    outcome.error = "\(error)"
                }
                outcome.seconds = Date().timeIntervalSince(started)
                let done = collector.store(outcome, at: index)
                progress?(done, manifest.cases.count)
            }
        }
        group.wait()
        return collector.outcomes
    }

    /// Results written from the worker threads, under a lock.
    private final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [CaseOutcome?]
        private var done = 0
        init(count: Int) { slots = [CaseOutcome?](repeating: nil, count: count) }
        func store(_ outcome: CaseOutcome, at index: Int) -> Int {
            lock.withLock {
                slots[index] = outcome
                done += 1
                return done
            }
        }
        var outcomes: [CaseOutcome] { lock.withLock { slots.compactMap { $0 } } }
    }

    /// Metrics per detector and for event-level truth, as a JSON value (`candor.evaluation/1`).
    public static func metrics(_ manifest: Manifest, _ outcomes: [CaseOutcome]) -> JSONValue {
        var detectors: [String: JSONValue] = [:]
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.id, $0) })
        for detector in Manifest.detectorIDs.sorted() {
            var confusion = Metrics.Confusion()
            var scores: [Double] = [], truths: [Bool] = []
            var unmeasured: [String] = []
            for item in manifest.cases {
                guard let label = item.labels[detector], let report = byID[item.id]?.report,
                      let result = report["detectors"]?[detector] else { continue }
                let status = result["status"]?.string ?? "skipped"
                let truth = label == "flagged"
                guard status == "ok" || status == "flagged" else {
                    unmeasured.append(item.id)
                    continue
                }
                confusion.add(truth: truth, predicted: status == "flagged")
                scores.append(result["score"]?.number ?? 0)
                truths.append(truth)
            }
            guard !truths.isEmpty || !unmeasured.isEmpty else { continue }
            detectors[detector] = .object([
                "cases": JSONValue(truths.count), "unmeasured": .array(unmeasured.map { .string($0) }),
                "true_positives": JSONValue(confusion.truePositives), "false_positives": JSONValue(confusion.falsePositives),
                "true_negatives": JSONValue(confusion.trueNegatives), "false_negatives": JSONValue(confusion.falseNegatives),
                "precision": JSONValue(confusion.precision), "recall": JSONValue(confusion.recall), "f1": JSONValue(confusion.f1),
                "false_alarm_rate": JSONValue(confusion.falseAlarmRate),
                "roc_auc": JSONValue(Metrics.rocAUC(scores: scores, truth: truths)),
            ])
        }
        // Event-level truth.
        var keystrokeHits = 0, keystrokeFound = 0, keystrokeTruth = 0
        var latencyErrors: [Double] = [], changeErrors: [Double] = [], offsetErrors: [Double] = []
        var missedChanges = 0
        for item in manifest.cases {
            guard let report = byID[item.id]?.report else { continue }
            if let truth = item.truthKeystrokes_s {
                let found = report["detectors"]?["keyboard"]?["acoustic_keystrokes_s"]?.array?.compactMap(\.number) ?? []
                let scores = Metrics.eventScores(found: found, truth: truth, tolerance: 0.03)
                keystrokeHits += scores.hits
                keystrokeFound += found.count
                keystrokeTruth += truth.count
            }
            if let truth = item.truthLatencies_s {
                let measured = report["detectors"]?["latency"]?["turns"]?.array?.compactMap { $0["latency_s"]?.number } ?? []
                for (m, t) in zip(measured, truth) { latencyErrors.append(abs(m - t)) }
            }
            if let truth = item.truthChangePoints_s, !truth.isEmpty {
                let found = report["detectors"]?["voice"]?["change_points_s"]?.array?.compactMap(\.number) ?? []
                if let error = Metrics.nearestError(found: found, truth: truth) { changeErrors.append(error) } else { missedChanges += truth.count }
            }
            if let truth = item.truthClockOffset_s, let measured = report["detectors"]?["keyboard"]?["clock_offset_s"]?.number {
                offsetErrors.append(abs(measured - truth))
            }
        }
        func mean(_ values: [Double]) -> JSONValue { values.isEmpty ? .null : .number(values.reduce(0, +) / Double(values.count)) }
        let precision = keystrokeFound > 0 ? Double(keystrokeHits) / Double(keystrokeFound) : nil
        let recall = keystrokeTruth > 0 ? Double(keystrokeHits) / Double(keystrokeTruth) : nil
        let f1 = (precision != nil && recall != nil && precision! + recall! > 0) ? 2 * precision! * recall! / (precision! + recall!) : nil
        let events: [String: JSONValue] = [
            "keystrokes": .object(["tolerance_s": .number(0.03), "precision": JSONValue(precision), "recall": JSONValue(recall),
                                   "f1": JSONValue(f1), "truth": JSONValue(keystrokeTruth), "found": JSONValue(keystrokeFound)]),
            "latency_mae_s": mean(latencyErrors), "latency_pairs": JSONValue(latencyErrors.count),
            "change_point_error_s": mean(changeErrors), "change_points_missed": JSONValue(missedChanges),
            "clock_offset_error_s": mean(offsetErrors), "clock_offset_cases": JSONValue(offsetErrors.count),
        ]
        return .object([
            "schema": .string("candor.evaluation/1"), "manifest": .string(manifest.path),
            "cases": .array(outcomes.map { outcome in
                .object(["id": .string(outcome.id), "error": JSONValue(outcome.error), "seconds": .number(outcome.seconds),
                         "overall": outcome.report?["overall"]?["status"] ?? .null])
            }),
            "detectors": .object(detectors), "events": .object(events),
        ])
    }

    /// One point of a threshold sweep.
    public struct SweepPoint: Sendable {
        public var threshold: Double
        public var confusion: Metrics.Confusion
    }

    /// Sweeps a detector's main threshold over the values seen in the reports, recomputing
    /// its decision from the measured fields: `latency.flag_median_s` (median latency, with the
    /// slow-fraction condition kept), `voice.minimum_effect` (change effect, with the p-value
    /// condition kept) and `keyboard.minimum_window_keys` (size of the largest mismatch window). Returns the curve and the chosen threshold: best F1, or — with
    /// `maximumFalseAlarm` — the best recall within that false-alarm rate.
    public static func sweep(_ manifest: Manifest, _ outcomes: [CaseOutcome], configuration: Configuration,
                             maximumFalseAlarm: Double?) -> [(key: String, curve: [SweepPoint], chosen: Double?)] {
        let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.id, $0) })
        func rows(_ detector: String) -> [(truth: Bool, fields: JSONValue)] {
            manifest.cases.compactMap { item in
                guard let label = item.labels[detector], let result = byID[item.id]?.report?["detectors"]?[detector],
                      let status = result["status"]?.string, status == "ok" || status == "flagged" else { return nil }
                return (label == "flagged", result)
            }
        }
        let specs: [(String, String, String, (JSONValue, Double) -> Bool)] = [
            ("latency", "flag_median_s", "median_s", { fields, t in
                (fields["median_s"]?.number ?? 0) >= t && (fields["slow_fraction"]?.number ?? 0) >= configuration.latency.flagSlowFraction }),
            ("voice", "minimum_effect", "effect", { fields, t in
                (fields["effect"]?.number ?? 0) >= t && (fields["p_value"]?.number ?? 1) <= configuration.voice.maximumPValue }),
            ("keyboard", "minimum_window_keys", "largest_window_keys", { fields, t in
                (fields["windows"]?.array ?? []).contains { ($0["keys"]?.number ?? 0) >= t } }),
        ]
        var result: [(String, [SweepPoint], Double?)] = []
        for (detector, key, field, decide) in specs {
            var data = rows(detector)
            if detector == "keyboard" {
                // The swept value: the size of the largest mismatch window in each case.
                data = data.map { row in
                    let largest = (row.fields["windows"]?.array ?? []).compactMap { $0["keys"]?.number }.max() ?? 0
                    var object = row.fields.object ?? [:]
                    object["largest_window_keys"] = .number(largest)
                    return (row.truth, .object(object))
                }
            }
            guard !data.isEmpty else { continue }
            let values = Set(data.compactMap { $0.fields[field]?.number }).sorted()
            let candidates = values.isEmpty ? [] : [values.first! - 0.001] + values + [values.last! + 0.001]
            var curve: [SweepPoint] = []
            for threshold in candidates {
                var confusion = Metrics.Confusion()
                for row in data { confusion.add(truth: row.truth, predicted: decide(row.fields, threshold)) }
                curve.append(SweepPoint(threshold: threshold, confusion: confusion))
            }
            let eligible = curve.filter { maximumFalseAlarm == nil || ($0.confusion.falseAlarmRate ?? 0) <= maximumFalseAlarm! }
            // The objective: F1, or recall within the false-alarm budget. Among equally good
            // thresholds, take the middle of their range (the widest margin on both sides).
            let objective = { (point: SweepPoint) in maximumFalseAlarm == nil ? (point.confusion.f1 ?? 0) : (point.confusion.recall ?? 0) }
            let best = eligible.map(objective).max()
            let tied = eligible.filter { best != nil && abs(objective($0) - best!) < 1e-12 }.map(\.threshold)
            let chosen = tied.isEmpty ? nil : (tied.min()! + tied.max()!) / 2
            result.append(("\(detector).\(key)", curve, chosen))
        }
        return result
    }
}
