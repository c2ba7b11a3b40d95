import CandorMedia
import CandorTestSupport
import Foundation
import Testing

/// Decodes every audio request of `path` and returns the samples per request, checking on
/// the way that blocks are contiguous on the timeline.
func decodeAll(_ path: String, _ requests: [AudioRequest], options: ReaderOptions = ReaderOptions()) throws
    -> (samples: [[Float]], statistics: DecodeStatistics) {
    let reader = try MediaReader(path: path, audio: requests, options: options)
    var samples = [[Float]](repeating: [], count: requests.count)
    while let chunk = try reader.next() {
        guard case .audio(let block) = chunk else { continue }
        #expect(block.startSample == Int64(samples[block.request].count), "blocks must be contiguous")
        #expect(block.sampleRateHz == requests[block.request].sampleRateHz)
        samples[block.request].append(contentsOf: block.samples)
    }
    return (samples, reader.statistics)
}

@Suite("Audio decoding against ffmpeg")
struct DecodingTests {
    /// One test file per container/codec an interview platform writes.
    static let formats: [(name: String, arguments: [String], frameSamples: Int)] = [
        ("tone.wav", ["-c:a", "pcm_s16le"], 1),
        ("tone.flac", ["-c:a", "flac"], 4608),
        ("tone.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"], 1152),
        ("tone.m4a", ["-c:a", "aac", "-b:a", "64k"], 1024),
        ("tone.webm", ["-c:a", "libopus", "-b:a", "32k"], 960),
        ("tone.ogg", ["-c:a", "libvorbis"], 2048),
        ("tone.mkv", ["-c:a", "libopus"], 960),
    ]

    @Test("sample counts and content match ffmpeg within one frame", arguments: formats.indices)
    func matchesFFmpeg(formatIndex: Int) throws {
        let format = DecodingTests.formats[formatIndex]
        let scratch = try ScratchFolder()
        let path = try scratch.make(format.name, ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=4.3"]
                                    + format.arguments)
        let reference = try Tools.ffmpegSamples(path, rate: 16000)
        let ours = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        let tolerance = max(1, format.frameSamples * 16000 / 44100 + 1)
        #expect(abs(ours.samples[0].count - reference.count) <= tolerance,
                "\(format.name): \(ours.samples[0].count) samples vs ffmpeg's \(reference.count)")
        let frequency = Signal.zeroCrossingFrequency(ours.samples[0][16000..<48000], rate: 16000)
        #expect(abs(frequency - 440) < 3, "\(format.name): tone at \(frequency) Hz")
        // Same samples as ffmpeg's own pipeline (same decoder, same resampler) apart from the downmix path.
        let n = min(ours.samples[0].count, reference.count) - 2000
        var maxDifference: Float = 0
        for i in 1000..<n { maxDifference = max(maxDifference, abs(ours.samples[0][i] - reference[i])) }
        #expect(maxDifference < 0.01, "\(format.name): differs from ffmpeg by up to \(maxDifference)")
    }

    @Test("plain WAV and FLAC go through libsndfile, others through FFmpeg")
    func backends() throws {
        let scratch = try ScratchFolder()
        let wav = try scratch.make("a.wav", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "pcm_s16le"])
        let m4a = try scratch.make("a.m4a", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"])
        #expect(try decodeAll(wav, [AudioRequest(source: .stream(0), sampleRateHz: 16000)]).statistics.backend == "libsndfile")
        #expect(try decodeAll(m4a, [AudioRequest(source: .stream(0), sampleRateHz: 16000)]).statistics.backend == "ffmpeg")
        var options = ReaderOptions()
        options.preferSndfile = false
        let viaFFmpeg = try decodeAll(wav, [AudioRequest(source: .stream(0), sampleRateHz: 16000)], options: options)
        let viaSndfile = try decodeAll(wav, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        #expect(viaFFmpeg.statistics.backend == "ffmpeg")
        #expect(viaFFmpeg.samples[0].count == viaSndfile.samples[0].count)
        var maxDifference: Float = 0
        for i in 0..<viaFFmpeg.samples[0].count {
            maxDifference = max(maxDifference, abs(viaFFmpeg.samples[0][i] - viaSndfile.samples[0][i]))
        }
        #expect(maxDifference < 1e-4)
    }

    @Test("two tracks, two rates and a channel in one pass")
    func onePassManySources() throws {
        let scratch = try ScratchFolder()
        // a:0 is stereo (left 300 Hz, right 1200 Hz), a:1 is mono 700 Hz.
        let path = try scratch.make("obs.mkv", [
            "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000:duration=3",
            "-f", "lavfi", "-i", "sine=frequency=1200:sample_rate=48000:duration=3",
            "-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=3",
            "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo[s]",
            "-map", "[s]", "-map", "2:a", "-c:a", "libopus",
        ])
        let requests = [
            AudioRequest(source: .stream(0), sampleRateHz: 16000),
            AudioRequest(source: .channel(stream: 0, channel: 0), sampleRateHz: 16000),
            AudioRequest(source: .channel(stream: 0, channel: 1), sampleRateHz: 48000),
            AudioRequest(source: .stream(1), sampleRateHz: 16000),
            AudioRequest(source: .stream(1), sampleRateHz: 48000),
        ]
        let result = try decodeAll(path, requests)
        let left = result.samples[1][8000..<40000]
        let right = result.samples[2][24000..<120000]
        #expect(abs(Signal.zeroCrossingFrequency(left, rate: 16000) - 300) < 3)
        #expect(abs(Signal.zeroCrossingFrequency(right, rate: 48000) - 1200) < 3)
        #expect(abs(Signal.zeroCrossingFrequency(result.samples[3][8000..<40000], rate: 16000) - 700) < 3)
        #expect(abs(Signal.zeroCrossingFrequency(result.samples[4][24000..<120000], rate: 48000) - 700) < 3)
        // The stream average is the plain mean of both channels: half of each tone's amplitude.
        let mixRMS = Signal.rms(result.samples[0][8000..<40000])
        let leftRMS = Signal.rms(left)
        #expect(abs(mixRMS - leftRMS * (0.5).squareRoot()) < 0.1 * leftRMS)
        // Rates agree on duration.
        let seconds16k = Double(result.samples[3].count) / 16000
        let seconds48k = Double(result.samples[4].count) / 48000
        #expect(abs(seconds16k - seconds48k) < 0.002)
        #expect(result.statistics.packets > 0)
    }

    @Test("a late-starting track keeps its true start time")
    func streamStartOffset() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("late.mkv", [
            "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=4",
            "-itsoffset", "1.5", "-f", "lavfi", "-i", "sine=frequency=800:sample_rate=48000:duration=2",
            "-map", "0:a", "-map", "1:a", "-c:a", "libopus",
        ])
        let info = try Probe.describe(path)
        #expect(abs(info.audioStreams[1].start_s - 1.5) < 0.03)
        let result = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000),
                                          AudioRequest(source: .stream(1), sampleRateHz: 16000)])
        let late = result.samples[1]
        #expect(Signal.rms(late[0..<Int(1.4 * 16000)]) < 1e-4, "silence before the track starts")
        #expect(Signal.rms(late[Int(1.6 * 16000)..<Int(3.4 * 16000)]) > 0.05)
        #expect(abs(Double(late.count) / 16000 - 3.5) < 0.03)
        // The onset is at 1.5 s on the media timeline.
        let onset = late.firstIndex { abs($0) > 0.05 } ?? 0
        #expect(abs(Double(onset) / 16000 - 1.5) < 0.02, "onset at \(Double(onset) / 16000) s")
        #expect(result.statistics.silenceInserted_s > 1.4)
        #expect(result.statistics.gapsFilled == 0)
    }

    @Test("a timestamp gap is filled with silence, not closed up")
    func timestampGap() throws {
        let scratch = try ScratchFolder()
        // 5 s of tone whose timestamps jump by 1 s at t = 2 s (as when packets were lost).
        let path = try scratch.make("gap.mkv", [
            "-f", "lavfi", "-i", "sine=frequency=600:sample_rate=48000:duration=5",
            "-af", "asetpts='if(gte(T,2),PTS+48000,PTS)'", "-c:a", "pcm_s16le",
        ])
        let result = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        let samples = result.samples[0]
        #expect(result.statistics.gapsFilled == 1)
        #expect(abs(result.statistics.silenceInserted_s - 1.0) < 0.03)
        #expect(abs(Double(samples.count) / 16000 - 6.0) < 0.05)
        #expect(Signal.rms(samples[Int(2.1 * 16000)..<Int(2.9 * 16000)]) < 1e-4)
        #expect(Signal.rms(samples[Int(3.1 * 16000)..<Int(5.9 * 16000)]) > 0.05)
        let resumed = samples[Int(2.5 * 16000)...].firstIndex { abs($0) > 0.05 } ?? 0
        #expect(abs(Double(resumed) / 16000 - 3.0) < 0.03, "audio resumes at \(Double(resumed) / 16000) s")
    }

    @Test("an mp4 with video decodes its audio and ignores the video unless asked")
    func mp4WithVideo() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("call.mp4", [
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=3",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-preset", "ultrafast",
            "-c:a", "aac", "-shortest",
        ])
        let reference = try Tools.ffmpegSamples(path, rate: 16000)
        let result = try decodeAll(path, [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        #expect(abs(result.samples[0].count - reference.count) <= 372)
        #expect(result.statistics.videoFrames == 0)
    }
}
