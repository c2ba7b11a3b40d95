import CandorPipeline
import CandorReport
import CandorTestSupport
import Foundation
import Testing

@Suite("Evaluation metrics and manifests")
struct EvaluationTests {
    @Test("confusion matrix, precision, recall, F1 by hand")
    func confusion() {
        var matrix = Metrics.Confusion()
        // truth/predicted: TP TP FN FP TN TN TN
        for (truth, predicted) in [(true, true), (true, true), (true, false), (false, true), (false, false), (false, false), (false, false)] {
            matrix.add(truth: truth, predicted: predicted)
        }
        #expect(matrix.truePositives == 2 && matrix.falseNegatives == 1 && matrix.falsePositives == 1 && matrix.trueNegatives == 3)
        #expect(matrix.precision == 2.0 / 3 && matrix.recall == 2.0 / 3 && abs(matrix.f1! - 2.0 / 3) < 1e-12)
        #expect(matrix.falseAlarmRate == 0.25)
    }

    @Test("ROC AUC by hand: 5 of 6 positive–negative pairs ordered, one tie")
    func auc() {
        // positives 0.9, 0.4; negatives 0.1, 0.4, 0.2 → pairs: 0.9 beats all 3; 0.4 beats 0.1 and 0.2, ties 0.4 → (3 + 2.5) / 6
        #expect(Metrics.rocAUC(scores: [0.9, 0.4, 0.1, 0.4, 0.2], truth: [true, true, false, false, false]) == 5.5 / 6)
        #expect(Metrics.rocAUC(scores: [1, 2], truth: [true, true]) == nil)
    }

    @Test("event matching at ±30 ms, one to one")
    func events() {
        let scores = Metrics.eventScores(found: [1.0, 1.01, 2.05, 3.0], truth: [1.0, 2.0, 3.02], tolerance: 0.03)
        #expect(scores.hits == 2 && scores.precision == 0.5 && abs(scores.recall - 2.0 / 3) < 1e-12)
        #expect(Metrics.nearestError(found: [10, 50], truth: [11, 47]) == 2)
    }

    @Test("bad manifests name the case")
    func badManifests() throws {
        let scratch = try ScratchFolder()
        try Data().write(to: scratch.url.appendingPathComponent("a.mkv"))
        let cases: [(String, String)] = [
            (#"{"schema": "candor.manifest/2", "cases": []}"#, "schema must be"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "x", "media": "missing.mkv"}]}"#, "case 'x': media 'missing.mkv' does not exist"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "y", "media": "a.mkv", "labels": {"latency": "maybe"}}]}"#, "case 'y': label for 'latency'"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "z", "media": "a.mkv", "labels": {"lies": "ok"}}]}"#, "unknown detector 'lies'"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "d", "media": "a.mkv"}, {"id": "d", "media": "a.mkv"}]}"#, "case 'd': duplicate id"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "e", "media": "a.mkv", "events": "none.jsonl"}]}"#, "events 'none.jsonl' does not exist"),
            (#"{"schema": "candor.manifest/1", "cases": [{"id": "t", "media": "a.mkv", "truth": {"keystrokes_s": "lots"}}]}"#, "truth 'keystrokes_s' must be a list"),
        ]
        for (text, message) in cases {
            let path = scratch.path("m.json")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: Manifest.LoadError.self) { try Manifest.load(path: path) }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
    }

    @Test("a tiny manifest end to end: honest and relayed sample, with latency truth")
    func tinyManifest() throws {
        let scratch = try ScratchFolder()
        let script = Tools.packageRoot.appendingPathComponent("testmedia/make-sample.py").path
        let made = try Tools.run("/usr/bin/env", ["python3", script, scratch.path("relayed.mkv"), "--answer-gap", "3.5"])
        try #require(made.status == 0, "\(made.stderr)")
        try FileManager.default.copyItem(atPath: Tools.packageRoot.appendingPathComponent("testmedia/sample-interview.mkv").path,
                                         toPath: scratch.path("honest.mkv"))
        let manifest = """
            {"schema": "candor.manifest/1", "cases": [
             {"id": "honest", "media": "honest.mkv", "labels": {"latency": "ok"}, "truth": {"latencies_s": [1.035, 1.171, 1.208, 1.294, 1.152]}},
             {"id": "relayed", "media": "relayed.mkv", "labels": {"latency": "flagged"}}]}
            """
        try Data(manifest.utf8).write(to: scratch.url.appendingPathComponent("manifest.json"))
        let loaded = try Manifest.load(path: scratch.path("manifest.json"))
        let outcomes = Evaluation.run(loaded, configuration: .defaults, jobs: 2, toolVersion: "test")
        #expect(outcomes.allSatisfy { $0.error == nil })
        let metrics = Evaluation.metrics(loaded, outcomes)
        let latency = try #require(metrics["detectors"]?["latency"])
        #expect(latency["true_positives"] == .number(1) && latency["true_negatives"] == .number(1))
        #expect(latency["f1"] == .number(1) && latency["roc_auc"] == .number(1))
        let mae = try #require(metrics["events"]?["latency_mae_s"]?.number)
        #expect(mae < 0.15, "latency MAE \(mae)")
        let sweep = Evaluation.sweep(loaded, outcomes, configuration: .defaults, maximumFalseAlarm: nil)
        let chosen = try #require(sweep.first { $0.key == "latency.flag_median_s" }?.chosen)
        #expect(chosen > 1.2 && chosen < 4.0, "a threshold between the two cases' medians: \(chosen)")
    }
}
