import CandorMedia
import Testing

@Suite("Role assignment (DESIGN.md rules)")
struct RoleAssignmentTests {
    func info(_ audio: [(title: String?, handler: String?, channels: Int)], video: Bool = false) -> MediaInfo {
        var streams: [StreamInfo] = []
        if video { streams.append(StreamInfo(index: 0, kind: .video, spec: "v:0", codec: "h264", width: 1280, height: 720)) }
        for (n, stream) in audio.enumerated() {
            streams.append(StreamInfo(index: streams.count, kind: .audio, spec: "a:\(n)", codec: "aac", sampleRateHz: 48000,
                                      channels: stream.channels, title: stream.title, handler: stream.handler))
        }
        return MediaInfo(path: "x.mkv", container: "matroska,webm", containerLongName: nil, duration_s: 60,
                         start_s: 0, bitRate: nil, tags: [:], streams: streams)
    }

    @Test func optionsWin() throws {
        let media = info([("Candidate", nil, 1), ("Interviewer", nil, 1)])
        let roles = try RoleAssignment.resolve(info: media, interviewer: .stream(0), candidate: .stream(1))
        #expect(roles.source == .options)
        #expect(roles.interviewer == .stream(0))
        #expect(roles.candidate == .stream(1))
    }

    @Test func titlesCaseInsensitive() throws {
        let media = info([("Mic/Aux", nil, 1), ("CANDIDATE - Jane", nil, 1), ("the interviewer", nil, 2)], video: true)
        let roles = try RoleAssignment.resolve(info: media)
        #expect(roles.source == .titles)
        #expect(roles.interviewer == .stream(2))
        #expect(roles.candidate == .stream(1))
    }

    @Test func handlerNamesCount() throws {
        let media = info([(nil, "Interviewer audio", 1), (nil, "Candidate audio", 1)])
        let roles = try RoleAssignment.resolve(info: media)
        #expect(roles.source == .titles)
        #expect(roles.interviewer == .stream(0))
    }

    @Test func oneTitledOfTwoImpliesTheOther() throws {
        let roles = try RoleAssignment.resolve(info: info([(nil, nil, 1), ("candidate", nil, 1)]))
        #expect(roles.source == .titles)
        #expect(roles.interviewer == .stream(0))
        #expect(roles.candidate == .stream(1))
    }

    @Test func singleStreamIsMixed() throws {
        let roles = try RoleAssignment.resolve(info: info([(nil, "SoundHandler", 2)]))
        #expect(roles.source == .diarized)
        #expect(roles.mixed == .stream(0))
        #expect(roles.interviewer == nil)
        #expect(roles.note.contains("a:0.0"))
    }

    @Test func untitledStreamsPreferTheFirst() throws {
        let roles = try RoleAssignment.resolve(info: info([(nil, nil, 1), (nil, nil, 1), (nil, nil, 1)]))
        #expect(roles.source == .diarized)
        #expect(roles.mixed == .stream(0))
        #expect(roles.note.contains("--interviewer"))
    }

    @Test func noAudio() throws {
        let roles = try RoleAssignment.resolve(info: info([], video: true))
        #expect(roles.source == .none)
        #expect(roles.sources.isEmpty)
    }

    @Test func missingStreamAndChannelAreErrors() throws {
        let media = info([(nil, nil, 2)])
        let stream = #expect(throws: MediaError.self) { try RoleAssignment.resolve(info: media, candidate: .stream(1)) }
        #expect(stream?.code == .noSuchSource)
        #expect(stream?.description.contains("a:1") == true)
        let channel = #expect(throws: MediaError.self) {
            try RoleAssignment.resolve(info: media, candidate: .channel(stream: 0, channel: 2))
        }
        #expect(channel?.description.contains("2 channels") == true)
        #expect(try RoleAssignment.resolve(info: media, interviewer: .channel(stream: 0, channel: 0),
                                           candidate: .channel(stream: 0, channel: 1)).source == .options)
    }

    @Test func sameSourceTwiceIsMixed() throws {
        let roles = try RoleAssignment.resolve(info: info([(nil, nil, 1)]), interviewer: .stream(0), candidate: .stream(0))
        #expect(roles.source == .diarized)
        #expect(roles.mixed == .stream(0))
    }
}
