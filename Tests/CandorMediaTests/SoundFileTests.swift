import CandorMedia
import CandorTestSupport
import Foundation
import Testing

@Suite("libsndfile reading and writing")
struct SoundFileTests {
    @Test("WAV float and FLAC round trips", arguments: [SoundFileWriter.Format.wavFloat, .wav16, .flac])
    func roundTrip(format: SoundFileWriter.Format) throws {
        let scratch = try ScratchFolder()
        let path = scratch.path("out.\(format == .flac ? "flac" : "wav")")
        let tone = (0..<16000).map { Float(0.5 * sin(2 * Double.pi * 250 * Double($0) / 16000)) }
        let writer = try SoundFileWriter(path: path, sampleRateHz: 16000, format: format)
        try writer.write(Array(tone[0..<7000]))
        try writer.write(Array(tone[7000...]))
        #expect(!FileManager.default.fileExists(atPath: path), "nothing at the target before finish()")
        try writer.finish()
        let reader = try SoundFileReader(path: path)
        #expect(reader.sampleRateHz == 16000 && reader.channels == 1 && reader.frames == 16000)
        #expect(reader.formatName == (format == .flac ? "FLAC" : "WAV"))
        var buffer: [Float] = []
        var back: [Float] = []
        while case let count = try reader.read(frames: 4096, into: &buffer), count > 0 { back += buffer[0..<count] }
        #expect(back.count == 16000)
        let tolerance: Float = format == .wavFloat ? 1e-7 : 1e-4
        #expect(zip(back, tone).allSatisfy { abs($0 - $1) <= tolerance })
        // ffmpeg agrees on what was written.
        #expect(try Tools.ffmpegSamples(path).count == 16000)
    }

    @Test("a writer dropped before finish() leaves no file behind")
    func atomic() throws {
        let scratch = try ScratchFolder()
        do {
            let writer = try SoundFileWriter(path: scratch.path("partial.wav"), sampleRateHz: 16000)
            try writer.write([Float](repeating: 0.1, count: 1000))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
    }

    @Test func unwritableFolder() throws {
        #expect(throws: MediaError.self) {
            try SoundFileWriter(path: "/nonexistent-folder/x.wav", sampleRateHz: 16000)
        }
    }

    @Test func notASoundFile() throws {
        let scratch = try ScratchFolder()
        try Data("RIFF but not really".utf8).write(to: scratch.url.appendingPathComponent("bad.wav"))
        let error = #expect(throws: MediaError.self) { try SoundFileReader(path: scratch.path("bad.wav")) }
        #expect(error?.description.contains("bad.wav") == true)
    }
}
