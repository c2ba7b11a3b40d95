import CandorTestSupport
import Foundation
import Testing

/// A small archive: two interviews with the same voices under different candidate ids (a
/// persona linked by voice), a third sharing a public IP address with the second (a persona
/// linked by IP), a private address shared by everyone (must not link), a truncated file, and a
/// named pipe standing in for a hanging decoder (opening it blocks forever).
private func makeArchive(_ scratch: ScratchFolder) throws -> URL {
    let root = scratch.url.appendingPathComponent("archive")
    try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
    func log(_ name: String, candidate: String, ips: [String]) throws {
        var lines = [#"{"type":"session","schema":"candor.events/1","candidate_id":"\#(candidate)","interview_id":"\#(name)"}"#]
        lines += ips.enumerated().map { #"{"t":\#($0.offset + 1),"type":"net","ip":"\#($0.element)"}"# }
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(name + ".events.jsonl"), atomically: true,
                                                         encoding: .utf8)
    }
    try FileManager.default.copyItem(atPath: Candor.sample, toPath: root.appendingPathComponent("a.mkv").path)
    try log("a", candidate: "cand-A", ips: ["198.51.100.20", "10.0.0.5"])
    try FileManager.default.moveItem(atPath: try relayedSample(scratch), toPath: root.appendingPathComponent("b.mkv").path)
    try log("b", candidate: "cand-B", ips: ["203.0.113.7"])
    try scratch.make("c.wav", ["-f", "lavfi", "-i", "sine=frequency=300:duration=6", "-ar", "16000"])
    try FileManager.default.moveItem(atPath: scratch.path("c.wav"), toPath: root.appendingPathComponent("sub/c.wav").path)
    try log("sub/c", candidate: "cand-C", ips: ["203.0.113.7", "10.0.0.5"])
    let sample = try Data(contentsOf: URL(fileURLWithPath: Candor.sample))
    try sample.prefix(6000).write(to: root.appendingPathComponent("sub/broken.mkv"))
    guard mkfifo(root.appendingPathComponent("sub/hang.wav").path, 0o644) == 0 else { throw ToolError("mkfifo failed") }
    return root
}

private func reportJSON(_ db: String) throws -> [String: Any] {
    let result = try Candor.run("scan", "report", "--db", db, "--json")
    guard result.status == 0 else { throw ToolError("scan report failed: \(result.stderr)") }
    return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
}

private func recordings(_ report: [String: Any]) -> [String: [String: Any]] {
    var byName: [String: [String: Any]] = [:]
    for recording in report["recordings"] as? [[String: Any]] ?? [] {
        byName[URL(fileURLWithPath: recording["path"] as? String ?? "").lastPathComponent] = recording
    }
    return byName
}

@Suite("candor scan", .serialized)
struct ScanCLITests {
    @Test("an archive with hostile files: every recording accounted for, personas linked by voice and by IP")
    func archive() throws {
        let scratch = try ScratchFolder()
        let root = try makeArchive(scratch)
        let db = scratch.path("scan.db")
        let started = Date()
        let result = try Tools.run(Candor.binary, ["scan", root.path, "--db", db, "--jobs", "2", "--timeout", "30"], timeoutSeconds: 300)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 200, "the hanging file costs its time limit, not the scan")
        #expect(result.text.contains("Scanned 5 recordings"))
        #expect(result.stderr.contains("timed_out") && result.stderr.contains("hang.wav"), "progress lines name what happened")

        let report = try reportJSON(db)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["recordings"] as? Int == 5 && summary["analysed"] as? Int == 3)
        #expect(summary["failed"] as? Int == 1 && summary["timed_out"] as? Int == 1)
        let rows = recordings(report)
        #expect(rows["a.mkv"]?["status"] as? String == "done" && rows["a.mkv"]?["candidate_id"] as? String == "cand-A")
        #expect(rows["b.mkv"]?["overall_status"] as? String == "review", "the relayed interview is flagged")
        #expect((rows["broken.mkv"]?["error"] as? String)?.contains("cut short") == true)
        #expect((rows["hang.wav"]?["error"] as? String)?.contains("time limit") == true)
        #expect((rows["a.mkv"]?["media_sha256"] as? String)?.count == 64)

        let groups = try #require(report["groups"] as? [[String: Any]])
        let byKind = Dictionary(grouping: groups, by: { $0["kind"] as? String ?? "" })
        let voice = try #require(byKind["same_voice_different_ids"]?.first)
        #expect((voice["recordings"] as? [String])?.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.mkv", "b.mkv"])
        #expect(voice["candidate_ids"] as? [String] == ["cand-A", "cand-B"])
        let network = try #require(byKind["shared_identifier"])
        #expect(network.count == 1, "the private 10.0.0.5 links nobody")
        #expect((network.first?["recordings"] as? [String])?.map { URL(fileURLWithPath: $0).lastPathComponent } == ["b.mkv", "c.wav"])
        #expect(groups.count == 2)

        // The other report formats.
        let csv = try Candor.run("scan", "report", "--db", db, "--csv")
        #expect(csv.status == 0 && csv.text.hasPrefix("path,status,overall") && csv.text.split(separator: "\n").count == 6)
        let html = scratch.path("scan.html")
        #expect(try Candor.run("scan", "report", "--db", db, "--html", "-o", html).status == 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<h2>Linked groups</h2>") && page.contains("hang.wav") && !page.contains("<script"))
        let text = try Candor.run("scan", "report", "--db", db)
        #expect(text.text.contains("Linked groups") && text.text.contains("Flagged for review") && text.text.contains("b.mkv"))

        // Resume: nothing finished is redone; a touched but unchanged file is only hashed; an
        // edited event log is analysed again.
        try FileManager.default.removeItem(atPath: root.appendingPathComponent("sub/hang.wav").path)
        let kept = try Tools.run(Candor.binary, ["scan", root.path, "--db", db, "--resume"], timeoutSeconds: 120)
        #expect(kept.status == 0 && kept.text.contains("(0 analysed now, 4 unchanged since an earlier run)"), "\(kept.text)")
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: root.appendingPathComponent("a.mkv").path)
        let handle = try FileHandle(forWritingTo: root.appendingPathComponent("sub/c.events.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"t":9,"type":"net","ip":"192.0.2.44"}"#.utf8 + [0x0A]))
        try handle.close()
        let again = try Tools.run(Candor.binary, ["scan", root.path, "--db", db, "--resume", "--jobs", "1"], timeoutSeconds: 120)
        #expect(again.text.contains("(1 analysed now, 3 unchanged since an earlier run)"), "\(again.text)")
        #expect(again.stderr.contains("unchanged") && again.stderr.contains("a.mkv"))
        let after = recordings(try reportJSON(db))
        #expect(after["a.mkv"]?["attempts"] as? Int == 1, "a touched file is not analysed again")
        #expect(after["c.wav"]?["attempts"] as? Int == 2)
        #expect(after["broken.mkv"]?["status"] as? String == "failed", "failed recordings are kept without --retry-failed")
    }

    @Test("killing the scan at any moment and resuming loses nothing and redoes nothing finished")
    func killAndResume() throws {
        let scratch = try ScratchFolder()
        let root = scratch.url.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for name in ["x1", "x2", "x3", "x4"] {
            try FileManager.default.copyItem(atPath: Candor.sample, toPath: root.appendingPathComponent(name + ".mkv").path)
        }
        let db = scratch.path("scan.db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Candor.binary)
        process.arguments = ["scan", root.path, "--db", db, "--jobs", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the first recording is stored, then kill the scan without warning.
        let deadline = Date().addingTimeInterval(120)
        var doneBefore: [String: Double] = [:]
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            guard FileManager.default.fileExists(atPath: db),
                  let report = try? reportJSON(db) else { continue }
            let done = recordings(report).filter { $0.value["status"] as? String == "done" }
            if !done.isEmpty {
                doneBefore = done.mapValues { $0["elapsed_s"] as? Double ?? -1 }
                break
            }
        }
        // A second scan on the same store is refused while the first one runs.
        let second = try Candor.run("scan", root.path, "--db", db, "--resume", "--quiet")
        #expect(second.status == 3 && second.stderr.contains("another candor scan (process \(process.processIdentifier))"),
                "\(second.stderr)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!doneBefore.isEmpty && doneBefore.count < 4, "killed mid-scan")
        let interrupted = recordings(try reportJSON(db)).filter { $0.value["status"] as? String == "running" }
        #expect(interrupted.count <= 1, "at most the recording in progress is marked running")
        // Its worker notices the scan is gone and exits.
        let workerGone = Date().addingTimeInterval(5)
        var orphans = 1
        while Date() < workerGone {
            orphans = Int(try Tools.run("/usr/bin/pgrep", ["-f", "candor-scan-\(process.processIdentifier)-"]).text
                .split(separator: "\n").count)
            if orphans == 0 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(orphans == 0, "no orphaned worker keeps running")
        // Killed outright, the scan could not remove its work folder; the next scan does.
        let temporary = FileManager.default.temporaryDirectory.path
        func abandoned() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [])
                .filter { $0.hasPrefix("candor-scan-\(process.processIdentifier)-") }
        }
        #expect(abandoned().count == 1, "the killed scan's work folder is left behind")

        let resumed = try Tools.run(Candor.binary, ["scan", root.path, "--db", db, "--resume", "--jobs", "2"], timeoutSeconds: 200)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.text.contains("(\(4 - doneBefore.count) analysed now, \(doneBefore.count) unchanged"), "\(resumed.text)")
        #expect(abandoned().isEmpty, "the next scan removes the work folder of a scan whose process is gone")
        let final = recordings(try reportJSON(db))
        #expect(final.values.allSatisfy { $0["status"] as? String == "done" })
        for (name, elapsed) in doneBefore {
            #expect(final[name]?["attempts"] as? Int == 1 && final[name]?["elapsed_s"] as? Double == elapsed, "\(name) was not redone")
        }
        for name in interrupted.keys { #expect(final[name]?["attempts"] as? Int == 2, "\(name) was redone") }
    }

    @Test("bad inputs: clear errors, right exit status")
    func badInputs() throws {
        let scratch = try ScratchFolder()
        let missing = try Candor.run("scan", "/no/such/archive", "--db", scratch.path("s.db"))
        #expect(missing.status == 3 && missing.stderr.contains("'/no/such/archive': does not exist"))
        let notes = scratch.path("notes.txt")
        try "just some text\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let notADatabase = try Candor.run("scan", scratch.url.path, "--db", notes)
        #expect(notADatabase.status == 3 && notADatabase.stderr.contains("not a SQLite database"), "\(notADatabase.stderr)")
        #expect(try Candor.run("scan", scratch.url.path, "--db", scratch.path("s.db"), "--jobs", "0").status == 2)
        #expect(try Candor.run("scan", scratch.url.path, "--db", scratch.path("s.db"), "--retry-failed").status == 2)
        #expect(try Candor.run("scan", scratch.url.path, "--db", scratch.path("s.db"), "--timeout", "-1").status == 2)
        let noStore = try Candor.run("scan", "report", "--db", scratch.path("absent.db"))
        #expect(noStore.status == 3 && noStore.stderr.contains("does not exist"))
        #expect(try Candor.run("scan", "report").status == 2)
        #expect(try Candor.run("scan", scratch.url.path, "--db", scratch.path("s.db"), "--memory-limit", "10").status == 2)
        // A worker that runs out of its address-space limit fails alone; the scan goes on.
        let tight = scratch.url.appendingPathComponent("tight")
        try FileManager.default.createDirectory(at: tight, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Candor.sample, toPath: tight.appendingPathComponent("a.mkv").path)
        let limited = try Candor.run("scan", tight.path, "--db", scratch.path("t.db"), "--memory-limit", "64", "--quiet")
        #expect(limited.status == 0 && limited.text.contains("failed                1"), "\(limited.text)")
        // A configuration from a pipe (`--config <(…)`) is read once; the workers get a copy.
        let fifo = scratch.path("config.fifo")
        try Tools.pipe(at: fifo, holding: #"{"latency":{"slow_answer_s":3}}"#)
        let piped = try Candor.run("scan", tight.path, "--db", scratch.path("p.db"), "--config", fifo, "--quiet")
        #expect(piped.status == 0 && piped.text.contains("analysed              1"), "\(piped.text) \(piped.stderr)")
        // An empty folder is a valid, empty scan.
        let empty = scratch.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try Candor.run("scan", empty.path, "--db", scratch.path("e.db"))
        #expect(none.status == 0 && none.text.contains("Scanned 0 recordings"), "\(none.stderr)")
    }
}
