import CandorTestSupport
import Foundation
import Testing

/// The sample interview with answers 3.5 s late, made at test time from Debian's
/// pocketsphinx-testdata by testmedia/make-sample.py.
func relayedSample(_ scratch: ScratchFolder) throws -> String {
    let path = scratch.path("relayed.mkv")
    let script = Tools.packageRoot.appendingPathComponent("testmedia/make-sample.py").path
    let result = try Tools.run("/usr/bin/env", ["python3", script, path, "--answer-gap", "3.5"])
    guard result.status == 0 else { throw ToolError("make-sample.py failed: \(result.stderr)") }
    return path
}

struct TruthTurn: Decodable {
    var role: String
    var speech_start_s: Double
    var speech_end_s: Double
}

@Suite("candor analyze")
struct AnalyzeCLITests {
    @Test("the honest sample is clear, with answer latencies near the truth")
    func honestSample() throws {
        let scratch = try ScratchFolder()
        let json = scratch.path("report.json")
        let result = try Candor.run("analyze", Candor.sample, "--json", json, "--fail-on", "flagged", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("Overall: CLEAR"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(report["schema"] as? String == "candor.report/1")
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["status"] as? String == "clear")
        let latency = try #require((report["detectors"] as? [String: Any])?["latency"] as? [String: Any])
        #expect(latency["status"] as? String == "ok")
        let turns = try #require(latency["turns"] as? [[String: Any]])
        #expect(turns.count == 5)
        // Truth: candidate speech start minus interviewer speech end, from the sample's turns file.
        struct File: Decodable { var turns: [TruthTurn] }
        let truthFile = try JSONDecoder().decode(File.self, from: Data(contentsOf: Tools.packageRoot.appendingPathComponent("testmedia/sample-interview.mkv.turns.json")))
        var truth: [Double] = []
        for (index, turn) in truthFile.turns.enumerated() where turn.role == "candidate" {
            truth.append(turn.speech_start_s - truthFile.turns[index - 1].speech_end_s)
        }
        let measured = turns.compactMap { $0["latency_s"] as? Double }
        let errors = zip(measured, truth).map { abs($0 - $1) }
        #expect(errors.allSatisfy { $0 <= 0.15 }, "latency errors \(errors)")
        let thresholds = try #require(report["thresholds"] as? [String: Any])
        #expect((thresholds["latency"] as? [String: Any])?["slow_answer_s"] as? Double == 2.5)
    }

    @Test("relayed answers: flagged, exit 1 with --fail-on, evidence per answer")
    func relayed() throws {
        let scratch = try ScratchFolder()
        let media = try relayedSample(scratch)
        let result = try Candor.run("analyze", media, "--format", "json", "--fail-on", "flagged")
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect((report["overall"] as? [String: Any])?["status"] as? String == "review")
        let flags = try #require(report["flags"] as? [[String: Any]])
        #expect(flags.count == 5)
        for flag in flags {
            let evidence = try #require(flag["evidence"] as? [String: Any])
            let latency = try #require(evidence["latency_s"] as? Double)
            #expect(abs(latency - 3.9) < 0.5, "relayed gap measured as \(latency)")
        }
        // Without --fail-on the same outcome exits 0.
        #expect(try Candor.run("analyze", media, "--quiet").status == 0)
    }

    @Test("JSON output is deterministic")
    func deterministic() throws {
        let first = try Candor.run("analyze", Candor.sample, "--format", "json")
        let second = try Candor.run("analyze", Candor.sample, "--format", "json")
        #expect(first.status == 0 && first.stdout == second.stdout)
        #expect(!first.text.contains("0000000"), "numbers are rounded")
    }

    @Test func badConfigurationNamesTheKey() throws {
        let scratch = try ScratchFolder()
        try Data(#"{"latency": {"slow_answer_secs": 3}}"#.utf8).write(to: scratch.url.appendingPathComponent("c.json"))
        let result = try Candor.run("analyze", Candor.sample, "--config", scratch.path("c.json"))
        #expect(result.status == 3)
        #expect(result.stderr.contains("unknown key 'latency.slow_answer_secs'"), "\(result.stderr)")
        try Data(#"{"latency": {"slow_answer_s": "soon"}}"#.utf8).write(to: scratch.url.appendingPathComponent("t.json"))
        let typed = try Candor.run("analyze", Candor.sample, "--config", scratch.path("t.json"))
        #expect(typed.status == 3 && typed.stderr.contains("'latency.slow_answer_s' must be a number"), "\(typed.stderr)")
    }

    @Test("a configuration changes the verdict: stricter latency thresholds flag the honest sample")
    func configurationApplies() throws {
        let scratch = try ScratchFolder()
        try Data(#"{"latency": {"slow_answer_s": 0.5, "flag_median_s": 0.5}}"#.utf8).write(to: scratch.url.appendingPathComponent("c.json"))
        let result = try Candor.run("analyze", Candor.sample, "--config", scratch.path("c.json"), "--format", "json")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect((report["overall"] as? [String: Any])?["status"] as? String == "review")
        let thresholds = report["thresholds"] as? [String: Any]
        #expect((thresholds?["latency"] as? [String: Any])?["slow_answer_s"] as? Double == 0.5)
    }

    @Test("the key-press detector's onset settings come from the configuration")
    func keystrokeConfiguration() throws {
        let scratch = try ScratchFolder()
        func heard(_ config: String) throws -> Int {
            try Data(config.utf8).write(to: scratch.url.appendingPathComponent("k.json"))
            let result = try Candor.run("analyze", Candor.sample, "--config", scratch.path("k.json"), "--format", "json", "--quiet")
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
            let keyboard = (report["detectors"] as? [String: Any])?["keyboard"] as? [String: Any]
            return try #require(keyboard?["acoustic_keystrokes_s"] as? [Double]).count
        }
        let usual = try heard("{}")
        #expect(usual > 0)
        // An onset threshold no click reaches: nothing is heard.
        #expect(try heard(#"{"keyboard": {"onset_threshold_mads": 1000}}"#) == 0)
        // A band above the clicks' energy: fewer heard.
        #expect(try heard(#"{"keyboard": {"onset_band_low_hz": 20000, "onset_band_high_hz": 24000}}"#) < usual)
        try Data(#"{"keyboard": {"onset_band_low_hz": 8000, "onset_band_high_hz": 4000}}"#.utf8).write(to: scratch.url.appendingPathComponent("b.json"))
        let bad = try Candor.run("analyze", Candor.sample, "--config", scratch.path("b.json"))
        #expect(bad.status == 3 && bad.stderr.contains("b.json") && bad.stderr.contains("must be below"), "\(bad.stderr)")
    }

    @Test func configDefaultsRoundTrip() throws {
        let scratch = try ScratchFolder()
        let defaults = try Candor.run("config", "defaults")
        #expect(defaults.status == 0)
        try defaults.stdout.write(to: scratch.url.appendingPathComponent("d.json"))
        let check = try Candor.run("config", "check", scratch.path("d.json"))
        #expect(check.status == 0, "\(check.stderr)")
        let explain = try Candor.run("config", "defaults", "--explain")
        #expect(explain.text.contains("latency.slow_answer_s = 2.5"))
    }

    @Test("outputs are written atomically and bad output folders are usage errors")
    func outputs() throws {
        let scratch = try ScratchFolder()
        let result = try Candor.run("analyze", Candor.sample, "--json", scratch.path("r.json"), "--html", scratch.path("r.html"))
        #expect(result.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).sorted()
        #expect(files == ["r.html", "r.json"], "no temporary files left: \(files)")
        let bad = try Candor.run("analyze", Candor.sample, "--json", "/no/such/dir/r.json")
        #expect(bad.status == 2 && bad.stderr.contains("/no/such/dir"))
        let missingLog = try Candor.run("analyze", Candor.sample, "--events", scratch.path("none.jsonl"))
        #expect(missingLog.status == 3 && missingLog.stderr.contains("none.jsonl"))
    }

    @Test("one mixed mono track: roles by diarization, latency measured; relayed answers flagged")
    func mixedMono() throws {
        let scratch = try ScratchFolder()
        func mono(_ input: String, _ name: String) throws -> String {
            try scratch.make(name, ["-i", input, "-filter_complex", "[0:a:0][0:a:1]amix=inputs=2:normalize=0[a]", "-map", "[a]",
                                    "-c:a", "aac", "-b:a", "64k"])
        }
        let honest = try mono(Candor.sample, "honest.m4a")
        let result = try Candor.run("analyze", honest, "--format", "json")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let roles = try #require((report["input"] as? [String: Any])?["roles"] as? [String: Any])
        #expect(roles["source"] as? String == "diarized")
        #expect((roles["assignment_confidence"] as? Double ?? 0) > 0.5)
        let latency = try #require((report["detectors"] as? [String: Any])?["latency"] as? [String: Any])
        #expect(latency["status"] as? String == "ok", "\(latency["reason"] ?? "")")
        #expect((latency["turns"] as? [Any])?.count == 5)
        let relayed = try mono(try relayedSample(scratch), "relayed.m4a")
        let flagged = try Candor.run("analyze", relayed, "--format", "json", "--fail-on", "flagged")
        #expect(flagged.status == 1)
        let relayedReport = try #require(try JSONSerialization.jsonObject(with: flagged.stdout) as? [String: Any])
        let relayedLatency = (relayedReport["detectors"] as? [String: Any])?["latency"] as? [String: Any]
        #expect(relayedLatency?["status"] as? String == "flagged")
    }
}

@Suite("candor evaluate")
struct EvaluateCLITests {
    @Test("table, JSON and sweep on a one-case manifest; bad manifests exit 3 naming the case")
    func evaluate() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.copyItem(atPath: Candor.sample, toPath: scratch.path("honest.mkv"))
        let manifest = #"{"schema": "candor.manifest/1", "cases": [{"id": "honest", "media": "honest.mkv", "labels": {"latency": "ok"}}]}"#
        try Data(manifest.utf8).write(to: scratch.url.appendingPathComponent("m.json"))
        let result = try Candor.run("evaluate", scratch.path("m.json"), "--json", scratch.path("metrics.json"), "--sweep",
                                    "--sweep-output", scratch.path("tuned.json"), "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("latency        1   0   0   1   0"), "\(result.text)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch.path("metrics.json")))) as? [String: Any])
        #expect(metrics["schema"] as? String == "candor.evaluation/1")
        let check = try Candor.run("config", "check", scratch.path("tuned.json"))
        #expect(check.status == 0, "the sweep writes a valid configuration: \(check.stderr)")
        try Data(#"{"schema": "candor.manifest/1", "cases": [{"id": "gone", "media": "nope.mkv"}]}"#.utf8)
            .write(to: scratch.url.appendingPathComponent("bad.json"))
        let bad = try Candor.run("evaluate", scratch.path("bad.json"))
        #expect(bad.status == 3 && bad.stderr.contains("case 'gone': media 'nope.mkv' does not exist"), "\(bad.stderr)")
    }
}
