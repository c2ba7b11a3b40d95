import CandorTestSupport
import Foundation
import Testing

/// Synthetic voices from espeak-ng (GPL: generated at test time, never committed).
enum Voices {
    static let text = """
        In my last role I worked on a payment service that handled several thousand requests per second. \
        The hardest problem was a race condition in the retry logic, which sometimes charged a customer twice. \
        I reproduced it with a load test, added idempotency keys, and wrote a migration that backfilled them for old \
        transactions. After that we saw no duplicate charges for six months. I also mentored two junior engineers and \
        ran our weekly design review, where we discussed trade offs between consistency and availability, and how to \
        roll out schema changes safely.
        """

    static var available: Bool { Tools.which("espeak-ng") != nil && Tools.which("ffmpeg") != nil }

    /// About 65 s of `voice` reading the text twice, 16 kHz WAV.
    static func speak(_ scratch: ScratchFolder, _ voice: String) throws -> String {
        let path = scratch.path("\(voice).wav")
        let result = try Tools.run(Tools.which("espeak-ng")!, ["-v", voice, "-s", "165", "-w", path, text + " " + text])
        guard result.status == 0 else { throw ToolError("espeak-ng failed: \(result.stderr)") }
        return path
    }

    static func duration(_ path: String) throws -> Double {
        Double(try Tools.ffmpegSamples(path).count) / 16000
    }

    static func voice(_ media: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try Candor.run(["analyze", media, "--candidate", "a:0", "--format", "json", "--quiet"] + extra)
        guard result.status == 0 else { throw ToolError("analyze failed: \(result.stderr)") }
        let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        return (report["detectors"] as? [String: Any])?["voice"] as? [String: Any] ?? [:]
    }
}

@Suite("Voice consistency", .enabled(if: Voices.available, "needs espeak-ng and ffmpeg (make test installs them)"))
struct VoiceCLITests {
    @Test("a swap between two male voices is caught near the boundary")
    func swap() throws {
        let scratch = try ScratchFolder()
        let first = try Voices.speak(scratch, "en-us+m3"), second = try Voices.speak(scratch, "en-gb+m5")
        let boundary = try Voices.duration(first)
        let media = try scratch.make("swap.mkv", ["-i", first, "-i", second, "-filter_complex", "[0:a][1:a]concat=n=2:v=0:a=1[a]",
                                                  "-map", "[a]", "-c:a", "libopus", "-b:a", "32k"])
        let voice = try Voices.voice(media)
        #expect(voice["status"] as? String == "flagged", "\(voice["reason"] ?? "")")
        let changes = try #require(voice["change_points_s"] as? [Double])
        #expect(changes.contains { abs($0 - boundary) < 5 }, "change points \(changes), swap at \(boundary)")
        let segments = try #require(voice["segments"] as? [[String: Any]])
        #expect(Set(segments.compactMap { $0["speaker"] as? String }).count == 2)
    }

    @Test("one voice throughout, across a 12 dB level drop and added noise, is not flagged")
    func oneVoice() throws {
        let scratch = try ScratchFolder()
        let speech = try Voices.speak(scratch, "en-us+m3")
        let media = try scratch.make("one.mkv", [
            "-i", speech, "-i", speech, "-f", "lavfi", "-t", "70", "-i", "anoisesrc=color=pink:amplitude=0.004:sample_rate=16000",
            "-filter_complex", "[1:a]volume=0.25[quiet];[quiet][2:a]amix=inputs=2:normalize=0:duration=first[noisy];[0:a][noisy]concat=n=2:v=0:a=1[a]",
            "-map", "[a]", "-c:a", "libopus", "-b:a", "32k",
        ])
        let voice = try Voices.voice(media)
        #expect(voice["status"] as? String == "ok", "\(voice["reason"] ?? "")")
        #expect((voice["change_points_s"] as? [Double])?.isEmpty == true)
    }

    @Test("voiceprints: the same voice matches an earlier interview, another voice does not")
    func voiceprints() throws {
        let scratch = try ScratchFolder()
        let earlier = try Voices.speak(scratch, "en-us+m3"), other = try Voices.speak(scratch, "en-us+f2")
        let print = scratch.path("earlier.voiceprint.json")
        let made = try Candor.run("voiceprint", earlier, "--candidate", "a:0", "-o", print)
        #expect(made.status == 0, "\(made.stderr)")
        let file = try String(contentsOfFile: print, encoding: .utf8)
        #expect(file.contains("candor.voiceprint/1") && !file.contains("samples"))
        let quieter = try scratch.make("later.m4a", ["-i", earlier, "-af", "volume=0.3", "-c:a", "aac"])
        let same = try Voices.voice(quieter, ["--reference", print])
        let sameRefs = try #require(same["references"] as? [[String: Any]])
        #expect(sameRefs.first?["same_speaker"] as? Bool == true, "\(sameRefs)")
        let different = try Voices.voice(other, ["--reference", print])
        let otherRefs = try #require(different["references"] as? [[String: Any]])
        #expect(otherRefs.first?["same_speaker"] as? Bool == false, "\(otherRefs)")
        #expect(different["status"] as? String == "flagged")
        // A file that is not a voiceprint is refused by name.
        let bad = try Candor.run("analyze", earlier, "--candidate", "a:0", "--reference", earlier)
        #expect(bad.status == 3 && bad.stderr.contains("is not a candor.voiceprint/1 file"), "\(bad.stderr)")
    }

    @Test("too little candidate speech is inconclusive")
    func tooLittle() throws {
        let result = try Candor.run("analyze", Candor.sample, "--format", "json")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let voice = try #require((report["detectors"] as? [String: Any])?["voice"] as? [String: Any])
        #expect(voice["status"] as? String == "inconclusive")
    }
}

/// Real voices: two French-speaking women from Debian's Asterisk prompt packages (June,
/// fr-CA, asterisk-core-sounds-fr-g722; Armelle Desjardins, asterisk-prompt-fr-armelle),
/// installed at test time and never committed.
enum RealVoices {
    static let june = "/usr/share/asterisk/sounds/fr_CA_f_June"
    static let armelle = "/usr/share/asterisk/sounds/fr"
    /// Allison, en-US (asterisk-core-sounds-en-g722).
    static let allison = "/usr/share/asterisk/sounds/en_US_f_Allison"
    static var available: Bool {
        FileManager.default.fileExists(atPath: june) && FileManager.default.fileExists(atPath: armelle) && Voices.available
    }

    /// At least `seconds` of one speaker's prompts in a fixed shuffled order (seeded), 0.4 s apart.
    static func speech(_ folder: String, seconds: Double, seed: UInt64) throws -> [Float] {
        var names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".g722") || $0.hasSuffix(".gsm") }.sorted()
        var generator = SeededRandom(seed: seed)
        names.shuffle(using: &generator)
        var out: [Float] = []
        for name in names where Double(out.count) < seconds * 16000 {
            out += try Tools.ffmpegSamples("\(folder)/\(name)")
            out += [Float](repeating: 0, count: 6400)
        }
        return out
    }

    /// `count` of one speaker's prompts lasting `seconds` each (decoded at 16 kHz), in a fixed
    /// shuffled order (seeded).
    static func clips(_ folder: String, count: Int, seconds: ClosedRange<Double>, seed: UInt64) throws -> [[Float]] {
        var names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".g722") || $0.hasSuffix(".gsm") }.sorted()
        var generator = SeededRandom(seed: seed)
        names.shuffle(using: &generator)
        var result: [[Float]] = []
        for name in names where result.count < count {
            let clip = try Tools.ffmpegSamples("\(folder)/\(name)")
            if seconds.contains(Double(clip.count) / 16000) { result.append(clip) }
        }
        return result
    }

    /// First and last 10 ms frame of a clip's speech: 20 dB above its quietest frames (the 5th
    /// percentile) and above −60 dBFS — how the test corpus marks speech.
    static func extent(_ clip: [Float]) -> (start: Double, end: Double) {
        let levels = stride(from: 0, to: clip.count - 159, by: 160).map { start in
            10 * log10(clip[start..<start + 160].reduce(0) { $0 + Double($1 * $1) } / 160 + 1e-12)
        }
        let floor = levels.sorted()[levels.count / 20]
        let loud = levels.indices.filter { levels[$0] > max(floor + 20, -60) }
        return (Double(loud.first ?? 0) / 100, Double((loud.last ?? 0) + 1) / 100)
    }

    /// Encodes samples (16 kHz mono) as Opus in webm, like a meeting recording.
    static func encode(_ scratch: ScratchFolder, _ name: String, _ samples: [Float]) throws -> String {
        let raw = scratch.path(name + ".f32")
        try samples.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: raw))
        return try scratch.make(name + ".webm", ["-f", "f32le", "-ar", "16000", "-ac", "1", "-i", raw, "-c:a", "libopus", "-b:a", "32k"])
    }
}

@Suite("Voice consistency on real speech",
       .enabled(if: RealVoices.available, "needs asterisk-core-sounds-fr-g722 and asterisk-prompt-fr-armelle (make test installs them)"))
struct RealVoiceCLITests {
    /// Recordings (AAC, as a meeting app saves them) of two real women: Allison (en-US) asks six
    /// questions, June (fr-CA) answers each (three prompts, 0.3 s apart) after a known gap
    /// between the end of the question's speech and the start of the answer's; four
    /// conversations (different prompts) per gap. Two layouts: one participant per channel, and
    /// both mixed into one mono track, where the roles come from diarization. (Armelle's
    /// prompts are not used here: each starts with a low-frequency pop that the full-band truth
    /// would count as speech.)
    @Test("two real women, known answer gaps: latencies within 150 ms, relayed answers flagged",
          .enabled(if: FileManager.default.fileExists(atPath: RealVoices.allison), "needs asterisk-core-sounds-en-g722 (make test installs it)"),
          arguments: [0.7, 3.5], ["two-channel", "mono"])
    func conversationLatency(gap: Double, layout: String) throws {
        let scratch = try ScratchFolder()
        var within = 0, pairs = 0, correctStatus = 0
        var measuredAll: [[Double]] = []
        for conversation in 0..<4 {
            let seed = UInt64(40 + 2 * conversation)
            let questions = try RealVoices.clips(RealVoices.allison, count: 6, seconds: 1.2...3.5, seed: seed)
            let answers = try RealVoices.clips(RealVoices.june, count: 18, seconds: 1...4, seed: seed + 1)
            try #require(questions.count == 6 && answers.count == 18)
            var tracks = [[Float](repeating: 0, count: 16000), [Float](repeating: 0, count: 16000)]
            func place(_ clip: [Float], on track: Int, at time: Double) {
                let start = Int(time * 16000)
                for t in 0..<2 where tracks[t].count < start + clip.count {
                    tracks[t] += [Float](repeating: 0, count: start + clip.count - tracks[t].count)
                }
                for (i, v) in clip.enumerated() { tracks[track][start + i] += v }
            }
            var time = 1.0
            for (index, question) in questions.enumerated() {
                place(question, on: 0, at: time)
                let questionEnd = time + RealVoices.extent(question).end
                var answer: [Float] = []
                for part in answers[(3 * index)..<(3 * index + 3)] { answer += part + [Float](repeating: 0, count: 4800) }
                let answerAt = questionEnd + gap - RealVoices.extent(answer).start
                place(answer.map { $0 * 0.8 }, on: 1, at: answerAt)
                time = answerAt + Double(answer.count) / 16000 + 1
            }
            var noise = SeededRandom(seed: seed + 2)
            for t in 0..<2 { tracks[t] = tracks[t].map { $0 + Float.random(in: -0.001...0.001, using: &noise) } }  // room noise, about −65 dBFS
            let samples = layout == "mono" ? zip(tracks[0], tracks[1]).map { $0 + $1 } : zip(tracks[0], tracks[1]).flatMap { [$0, $1] }
            let channels = layout == "mono" ? 1 : 2
            let raw = scratch.path("conversation-\(conversation).f32")
            try samples.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: URL(fileURLWithPath: raw))
            let media = try scratch.make("conversation-\(conversation).m4a",
                                         ["-f", "f32le", "-ar", "16000", "-ac", "\(channels)", "-i", raw, "-c:a", "aac", "-b:a", "\(64 * channels)k"])
            let roles = layout == "mono" ? [] : ["--interviewer", "a:0.0", "--candidate", "a:0.1"]
            let result = try Candor.run(["analyze", media, "--format", "json", "--quiet"] + roles)
            let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
            let found = try #require((report["input"] as? [String: Any])?["roles"] as? [String: Any])
            #expect(found["source"] as? String == (layout == "mono" ? "diarized" : "options"))
            let latency = try #require((report["detectors"] as? [String: Any])?["latency"] as? [String: Any])
            let measured = ((latency["turns"] as? [[String: Any]]) ?? []).compactMap { $0["latency_s"] as? Double }
            measuredAll.append(measured)
            within += measured.filter { abs($0 - gap) <= 0.15 }.count
            pairs += 6
            if latency["status"] as? String == (gap > 2 ? "flagged" : "ok") { correctStatus += 1 }
        }
        print("\(layout), two real women, gap \(gap) s: \(within) of \(pairs) latencies within 150 ms; status right in \(correctStatus) of 4; measured \(measuredAll)")
        if layout == "mono" {
            // Known limit (README): two similar voices in one track are sometimes confused, and a
            // confused answer shifts its pair.
            #expect(Double(within) >= 0.6 * Double(pairs))
            #expect(correctStatus >= 3)
        } else {
            // Measured: 23 of 24 at each gap; the one other pair (the same question in both
            // layouts) comes out 0.29 s short — the truth's 20 dB criterion and the detector's
            // margins disagree on where that question's speech ends.
            #expect(Double(within) >= 0.9 * Double(pairs))
            #expect(correctStatus == 4)
        }
    }

    @Test("a swap between two real women speaking the same language is caught")
    func swap() throws {
        let scratch = try ScratchFolder()
        let first = try RealVoices.speech(RealVoices.june, seconds: 70, seed: 1)
        let second = try RealVoices.speech(RealVoices.armelle, seconds: 70, seed: 2)
        let media = try RealVoices.encode(scratch, "swap", first + second)
        let voice = try Voices.voice(media)
        #expect(voice["status"] as? String == "flagged", "\(voice["reason"] ?? "")")
        let changes = try #require(voice["change_points_s"] as? [Double])
        let boundary = Double(first.count) / 16000
        #expect(changes.count == 1 && changes.contains { abs($0 - boundary) < 6 }, "change points \(changes), swap at \(boundary)")
    }

    @Test("one real voice for two and a half minutes, across a 12 dB level drop and added noise, is not flagged")
    func oneVoice() throws {
        let scratch = try ScratchFolder()
        var speech = try RealVoices.speech(RealVoices.june, seconds: 140, seed: 3)
        var generator = SeededRandom(seed: 9)
        for i in (speech.count / 2)..<speech.count {
            speech[i] = speech[i] * 0.25 + Float.random(in: -0.004...0.004, using: &generator)
        }
        let voice = try Voices.voice(try RealVoices.encode(scratch, "one", speech))
        #expect(voice["status"] as? String == "ok", "\(voice["reason"] ?? "")")
        #expect((voice["change_points_s"] as? [Double])?.isEmpty == true)
    }

    @Test("voiceprints of two different sessions of the same real speaker match; of two speakers, do not")
    func voiceprints() throws {
        let scratch = try ScratchFolder()
        let juneA = try RealVoices.encode(scratch, "juneA", try RealVoices.speech(RealVoices.june, seconds: 40, seed: 4))
        let juneB = try RealVoices.encode(scratch, "juneB", try RealVoices.speech(RealVoices.june, seconds: 40, seed: 5))
        let armelle = try RealVoices.encode(scratch, "armelle", try RealVoices.speech(RealVoices.armelle, seconds: 40, seed: 6))
        let print = scratch.path("juneA.voiceprint.json")
        #expect(try Candor.run("voiceprint", juneA, "--candidate", "a:0", "-o", print).status == 0)
        for (media, same) in [(juneB, true), (armelle, false)] {
            let voice = try Voices.voice(media, ["--reference", print])
            let reference = try #require((voice["references"] as? [[String: Any]])?.first)
            #expect(reference["same_speaker"] as? Bool == same, "\(media): similarity \(reference["similarity"] ?? "")")
        }
    }
}
