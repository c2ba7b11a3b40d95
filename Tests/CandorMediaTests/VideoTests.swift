import CandorMedia
import CandorTestSupport
import Foundation
import Testing

@Suite("Video at a reduced rate")
struct VideoTests {
    func frames(_ path: String, _ request: VideoRequest, audio: [AudioRequest] = []) throws -> ([VideoFrame], Int) {
        let reader = try MediaReader(path: path, audio: audio, video: request)
        var frames: [VideoFrame] = []
        var audioSamples = 0
        while let chunk = try reader.next() {
            switch chunk {
            case .video(let frame): frames.append(frame)
            case .audio(let block): audioSamples += block.samples.count
            }
        }
        #expect(reader.statistics.videoFrames == frames.count)
        return (frames, audioSamples)
    }

    @Test("2 frames per second of small grayscale, with audio in the same pass")
    func rateAndSize() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("call.mp4", [
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=4",
            "-f", "lavfi", "-i", "sine=duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
            "-c:a", "aac", "-shortest",
        ])
        let (frames, audioSamples) = try frames(path, VideoRequest(framesPerSecond: 2),
                                                audio: [AudioRequest(source: .stream(0), sampleRateHz: 16000)])
        #expect(frames.count == 8, "got \(frames.count) frames at \(frames.map(\.time_s))")
        for (n, frame) in frames.enumerated() {
            #expect(frame.width == 160 && frame.height == 90 && frame.pixels.count == 160 * 90)
            #expect(abs(frame.time_s - Double(n) * 0.5) < 0.045, "frame \(n) at \(frame.time_s) s")
        }
        #expect(frames.first?.pixels != frames.last?.pixels, "testsrc moves")
        #expect(abs(audioSamples - 64000) < 400)
    }

    @Test("scaled luma matches a known picture")
    func knownPicture() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("halves.mkv", [
            "-f", "lavfi", "-i", "color=c=black:size=320x180:rate=10:duration=1",
            "-vf", "drawbox=x=0:y=0:w=160:h=180:color=white:t=fill", "-c:v", "ffv1",
        ])
        let (frames, _) = try frames(path, VideoRequest(framesPerSecond: 1, skip: .none))
        let frame = try #require(frames.first)
        let leftMean = (0..<90).flatMap { row in (5..<75).map { Int(frame.pixels[row * 160 + $0]) } }.reduce(0, +) / (90 * 70)
        let rightMean = (0..<90).flatMap { row in (85..<155).map { Int(frame.pixels[row * 160 + $0]) } }.reduce(0, +) / (90 * 70)
        #expect(leftMean > 230, "white half: \(leftMean)")
        #expect(rightMean < 25, "black half: \(rightMean)")
    }

    @Test("key frames only decodes fewer frames")
    func keyFramesOnly() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("gop.mkv", [
            "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25:duration=4", "-c:v", "libx264", "-preset", "ultrafast",
            "-g", "50",
        ])
        let (all, _) = try frames(path, VideoRequest(framesPerSecond: 5, skip: .none, threads: 2))
        let (keys, _) = try frames(path, VideoRequest(framesPerSecond: 5, skip: .nonKey))
        #expect(all.count == 20)
        #expect(keys.count == 2, "key frames at \(keys.map(\.time_s))")
    }

    @Test func noVideoStream() throws {
        let scratch = try ScratchFolder()
        let path = try scratch.make("audio.m4a", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"])
        #expect(throws: MediaError.self) { try MediaReader(path: path, audio: [], video: VideoRequest()) }
    }
}
