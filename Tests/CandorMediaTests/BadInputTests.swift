import CandorMedia
import CandorTestSupport
import Foundation
import Testing

/// Every bad input gets a MediaError naming the file and the problem — never a crash or a hang.
@Suite("Bad input")
struct BadInputTests {
    func expectError(_ path: String, _ code: MediaError.Code, containing words: String,
                     requests: [AudioRequest] = [AudioRequest(source: .stream(0), sampleRateHz: 16000)],
                     options: ReaderOptions = ReaderOptions(), sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try decodeAll(path, requests, options: options)
            Issue.record("'\(path)' was accepted", sourceLocation: sourceLocation)
        } catch let error as MediaError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("'\(path)'"), sourceLocation: sourceLocation)
            #expect(error.description.contains(words), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func missingFile() throws {
        let scratch = try ScratchFolder()
        expectError(scratch.path("nope.mp4"), .notFound, containing: "no such file")
    }

    @Test func directory() throws {
        let scratch = try ScratchFolder()
        expectError(scratch.url.path, .isDirectory, containing: "directory")
    }

    @Test func emptyFile() throws {
        let scratch = try ScratchFolder()
        FileManager.default.createFile(atPath: scratch.path("empty.mp4"), contents: Data())
        expectError(scratch.path("empty.mp4"), .emptyFile, containing: "empty")
    }

    @Test func textRenamedMP4() throws {
        let scratch = try ScratchFolder()
        let path = scratch.path("notes.mp4")
        try Data(String(repeating: "interview notes: candidate seemed fine\n", count: 50).utf8).write(to: URL(fileURLWithPath: path))
        expectError(path, .unrecognizedFormat, containing: "not a media file")
    }

    @Test func randomBytes() throws {
        let scratch = try ScratchFolder()
        let path = scratch.path("noise.webm")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
        do {
            _ = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
            Issue.record("random bytes were accepted")
        } catch let error as MediaError {
            #expect(error.description.contains(path))
        }
    }

    @Test("an mp4 cut in half (index at the end): refused when opened")
    func mp4CutInHalf() throws {
        let scratch = try ScratchFolder()
        let whole = try scratch.make("whole.m4a", ["-f", "lavfi", "-i", "sine=duration=20", "-c:a", "aac"])
        let half = scratch.path("half.m4a")
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: half))
        expectError(half, .unrecognizedFormat, containing: "cut short")
    }

    @Test("an mp4 cut in half (index first): refused, or decoded on request")
    func faststartCutInHalf() throws {
        let scratch = try ScratchFolder()
        let whole = try scratch.make("whole.m4a", ["-f", "lavfi", "-i", "sine=duration=20", "-c:a", "aac",
                                                   "-movflags", "+faststart"])
        let half = scratch.path("half.m4a")
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: half))
        expectError(half, .damaged, containing: "cut short")
        #expect(throws: MediaError.self) { try Probe.describe(half) }
        var options = ReaderOptions()
        options.acceptTruncated = true
        let partial = try decodeAll(half, [AudioRequest(source: .stream(0), sampleRateHz: 16000)], options: options)
        #expect(Double(partial.samples[0].count) / 16000 > 8)
    }

    @Test("a webm cut in half: its audio ends long before its declared duration")
    func webmCutInHalf() throws {
        let scratch = try ScratchFolder()
        let whole = try scratch.make("whole.webm", ["-f", "lavfi", "-i", "sine=duration=20", "-c:a", "libopus"])
        let half = scratch.path("half.webm")
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: half))
        expectError(half, .damaged, containing: "ends at")
    }

    @Test func videoWithoutAudio() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("silent.mp4", ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1",
                                                   "-c:v", "libx264", "-preset", "ultrafast"])
        expectError(path, .noAudio, containing: "no audio stream")
        #expect(try Probe.describe(path).audioStreams.isEmpty)
    }

    @Test func missingStreamAndChannel() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("mono.mkv", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "flac"])
        expectError(path, .noSuchSource, containing: "a:1", requests: [AudioRequest(source: .stream(1), sampleRateHz: 16000)])
        expectError(path, .noSuchSource, containing: "1 channel",
                    requests: [AudioRequest(source: .channel(stream: 0, channel: 1), sampleRateHz: 16000)])
    }

    @Test("corrupt packets in the middle: decoding continues, damage is counted, the timeline is kept")
    func corruptPackets() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("corrupt.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:duration=20", "-c:a", "aac"])
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        for fraction in [0.3, 0.5, 0.7] {
            try handle.seek(toOffset: UInt64(Double(size) * fraction))
            handle.write(Data(repeating: 0xA5, count: 300))
        }
        try handle.close()
        let result = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        #expect(result.statistics.damagedPackets > 0)
        #expect(abs(Double(result.samples[0].count) / 16000 - 20) < 0.1, "timeline kept: \(result.samples[0].count) samples")
        // The tone after the damage is still at its true time.
        #expect(abs(Signal.zeroCrossingFrequency(result.samples[0][Int(18 * 16000)..<Int(19.5 * 16000)], rate: 16000) - 440) < 3)
    }

    @Test("guard rail: declared duration over the limit")
    func absurdDuration() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("long.mkv", ["-f", "lavfi", "-i", "sine=duration=3", "-c:a", "flac"])
        var options = ReaderOptions()
        options.limits.maxDurationSeconds = 2
        expectError(path, .limitExceeded, containing: "hours", options: options)
    }

    @Test("guard rail: too many streams")
    func manyStreams() throws {
        let scratch = try ScratchFolder()
        let maps = (0..<80).flatMap { _ in ["-map", "0:a"] }
        let path = try scratch.make("many.mkv", ["-f", "lavfi", "-i", "anullsrc=sample_rate=8000", "-t", "0.2"] + maps
                                    + ["-c:a", "pcm_s16le"])
        expectError(path, .limitExceeded, containing: "80 streams")
        #expect(throws: MediaError.self) { try Probe.describe(path) }
    }

    @Test("guard rail: too many channels")
    func manyChannels() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("wide.mkv", ["-f", "lavfi", "-i", "sine=duration=1", "-ac", "8", "-c:a", "pcm_s16le"])
        var options = ReaderOptions()
        options.limits.maxChannels = 4
        expectError(path, .limitExceeded, containing: "8 channels", options: options)
    }
}
