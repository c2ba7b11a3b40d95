import CandorTestSupport
import Foundation
import Testing

/// End-to-end: run the built `candor` binary and check stdout, stderr and exit status.
enum Candor {
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CANDOR_BIN"] { return path }
        let beside = Bundle.main.bundleURL.appendingPathComponent("candor").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Tools.packageRoot.appendingPathComponent(".build/debug/candor").path
    }

    static func run(_ arguments: String...) throws -> Tools.Result { try Tools.run(binary, arguments) }
    static func run(_ arguments: [String]) throws -> Tools.Result { try Tools.run(binary, arguments) }

    static var sample: String { Tools.packageRoot.appendingPathComponent("testmedia/sample-interview.mkv").path }
}

@Suite("candor probe")
struct ProbeCLITests {
    @Test func textDescribesTheSample() throws {
        let result = try Candor.run("probe", Candor.sample)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("matroska"))
        #expect(result.text.contains("a:0") && result.text.contains("title \"Interviewer\""))
        #expect(result.text.contains("a:1") && result.text.contains("title \"Candidate\""))
        #expect(result.text.contains("h264"))
        #expect(result.text.contains("interviewer a:0, candidate a:1 (titles)"))
    }

    @Test func jsonDescribesTheSample() throws {
        let result = try Candor.run("probe", Candor.sample, "--json")
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(json["schema"] as? String == "candor.probe/1")
        let media = try #require(json["media"] as? [String: Any])
        let streams = try #require(media["streams"] as? [[String: Any]])
        #expect(streams.count == 3)
        let audio = streams.filter { $0["kind"] as? String == "audio" }
        #expect(audio.map { $0["codec"] as? String } == ["opus", "opus"])
        #expect(audio.map { $0["sample_rate_hz"] as? Int } == [48000, 48000])
        #expect(audio.map { $0["title"] as? String } == ["Interviewer", "Candidate"])
        let duration = try #require(media["duration_s"] as? Double)
        #expect(abs(duration - 44.0) < 0.2)
        let roles = try #require(json["roles"] as? [String: Any])
        #expect(roles["interviewer"] as? String == "a:0")
        #expect(roles["candidate"] as? String == "a:1")
        #expect(roles["source"] as? String == "titles")
    }

    @Test func optionsOverrideTitles() throws {
        let result = try Candor.run("probe", Candor.sample, "--interviewer", "a:1", "--candidate", "a:0", "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let roles = try #require(json["roles"] as? [String: Any])
        #expect(roles["interviewer"] as? String == "a:1")
        #expect(roles["source"] as? String == "options")
    }
}

@Suite("candor extract")
struct ExtractCLITests {
    @Test func summaryAndFiles() throws {
        let scratch = try ScratchFolder()
        let result = try Candor.run("extract", Candor.sample, "--out-dir", scratch.url.path, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.map { $0["name"] as? String } == ["interviewer", "candidate"])
        for source in sources {
            #expect(abs((source["duration_s"] as? Double ?? 0) - 43.85) < 0.2)
            #expect((source["rms_dbfs"] as? Double ?? -150) > -40)
        }
        // The files are real WAVs that ffmpeg reads back at the same length.
        let interviewer = try Tools.ffmpegSamples(scratch.path("interviewer.wav"))
        #expect(interviewer.count == sources[0]["samples"] as? Int)
        // Speech starts where ffmpeg's own decode of the track says it does (the first question, after 1.0 s).
        let reference = try Tools.ffmpegSamples(Candor.sample, map: "0:a:0")
        let onset = interviewer.firstIndex { abs($0) > 0.02 } ?? 0
        let referenceOnset = reference.firstIndex { abs($0) > 0.02 } ?? -1
        #expect(abs(onset - referenceOnset) <= 16, "speech starts at \(Double(onset) / 16000) s")
        #expect(onset >= 16000 && onset < 2 * 16000)
    }

    @Test("a separate file as a SPEC")
    func separateFile() throws {
        let scratch = try ScratchFolder()
        let candidate = try scratch.make("candidate.m4a", ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac"])
        let result = try Candor.run("extract", Candor.sample, "--candidate", candidate, "--interviewer", "a:0", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.count == 2)
        #expect(abs((sources[1]["duration_s"] as? Double ?? 0) - 2.02) < 0.05)
    }
}

@Suite("Exit status and error messages")
struct ExitStatusTests {
    /// Checks a one-line `candor: error:` message naming `mention`, and the status.
    func expectFailure(_ arguments: [String], status: Int32, mention: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Candor.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(mention), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        if status == 3 {
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("candor: error: '"), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func badInputsExitThree() throws {
        let scratch = try ScratchFolder()
        FileManager.default.createFile(atPath: scratch.path("empty.mp4"), contents: Data())
        try Data("just some text\n".utf8).write(to: scratch.url.appendingPathComponent("text.mp4"))
        let silent = try scratch.make("silent.mp4", ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=5:duration=1",
                                                     "-c:v", "libx264", "-preset", "ultrafast"])
        for command in ["probe", "extract"] {
            try expectFailure([command, scratch.path("missing.mkv")], status: 3, mention: "missing.mkv': no such file")
            try expectFailure([command, scratch.url.path], status: 3, mention: "is a directory")
            try expectFailure([command, scratch.path("empty.mp4")], status: 3, mention: "empty.mp4': is empty")
            try expectFailure([command, scratch.path("text.mp4")], status: 3, mention: "text.mp4': not a media file")
        }
        try expectFailure(["extract", silent], status: 3, mention: "has no audio stream")
        try expectFailure(["extract", Candor.sample, "--candidate", "a:7"], status: 3, mention: "source 'a:7' does not exist")
        try expectFailure(["probe", Candor.sample, "--candidate", "a:1.1"], status: 3, mention: "source 'a:1.1' does not exist")
        try expectFailure(["extract", Candor.sample, "--candidate", scratch.path("nobody.wav")], status: 3,
                          mention: "nobody.wav': no such file")
    }

    @Test func usageErrorsExitTwo() throws {
        try expectFailure(["probe"], status: 2, mention: "Missing expected argument")
        try expectFailure(["frobnicate"], status: 2, mention: "frobnicate")
        try expectFailure(["probe", Candor.sample, "--candidate", "a:x"], status: 2, mention: "invalid source 'a:x'")
        try expectFailure(["extract", Candor.sample, "--rate", "5"], status: 2, mention: "--rate 5 is out of range")
        try expectFailure(["extract", Candor.sample, "--rate", "fast"], status: 2, mention: "fast")
        try expectFailure(["extract", Candor.sample, "--out-dir", "/no/such/folder"], status: 2, mention: "/no/such/folder")
    }

    @Test func helpAndVersionExitZero() throws {
        let help = try Candor.run("--help")
        #expect(help.status == 0)
        #expect(help.text.contains("probe") && help.text.contains("extract"))
        let version = try Candor.run("--version")
        #expect(version.status == 0)
        #expect(version.text.contains("."))
    }

    @Test("an unreadable file is refused by name")
    func unreadable() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("locked.m4a", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"])
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.url.path)
        var command = [Candor.binary, "probe", path]
        if geteuid() == 0 {
            // root reads anything: drop to an unprivileged user to see the real refusal.
            let setpriv = try #require(Tools.which("setpriv"), "setpriv (util-linux) is needed to test permissions as root")
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        let result = try Tools.run(command[0], Array(command.dropFirst()))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("locked.m4a': cannot be read (permission denied)"), "\(result.stderr)")
    }
}
