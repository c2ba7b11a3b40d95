import CFFmpeg
import Foundation

/// Decodes the selected audio sources (and optionally a reduced-rate video stream) of one
/// file in a single demuxing pass, delivering blocks of mono Float samples placed on the
/// media timeline, and small grayscale video frames.
///
/// Pull-based: call ``next()`` until it returns nil. Memory stays bounded by the block size,
/// whatever the recording's length. Timestamp gaps are filled with silence and overlaps are
/// trimmed, so sample `i` of a request at rate `r` is always at media time `i / r`.
public final class MediaReader {
    public let path: String
    public let info: MediaInfo
    public let audio: [AudioRequest]
    public let video: VideoRequest?
    public let options: ReaderOptions
    /// What happened so far (damaged packets, gaps filled, …).
    public private(set) var statistics = DecodeStatistics()
    /// Furthest media time read so far, in seconds (for progress display).
    public private(set) var position_s: Double = 0

    private let format: FormatContext
    private var outputs: [AudioOutput] = []
    private var audioStreams: [Int: AudioStreamState] = [:]
    private var videoStream: VideoStreamState?
    private var sndfile: SoundFileReader?
    private var sndfileBuffer: [Float] = []
    private var queue: [MediaChunk] = []
    private var queueHead = 0
    private var finished = false
    private var readFailure: Int32?
    private let packet: Packet
    private let frame: Frame

    /// Opens `path` for decoding. Throws a ``MediaError`` when the file is unusable or a
    /// request names a stream or channel it does not have.
    public init(path: String, audio: [AudioRequest], video: VideoRequest? = nil,
                options: ReaderOptions = ReaderOptions()) throws {
        self.path = path
        self.audio = audio
        self.video = video
        self.options = options
        format = try FormatContext(path: path, limits: options.limits, acceptTruncated: options.acceptTruncated)
        info = format.info()
        packet = try Packet()
        frame = try Frame()
        try openAudio()
        try openVideo()
        for index in 0..<format.streamCount where audioStreams[index] == nil && videoStream?.index != index {
            format.stream(index).pointee.discard = AVDISCARD_ALL
        }
        try chooseSndfileBackend()
    }

    // MARK: - Opening

    private func openAudio() throws {
        guard !audio.isEmpty else { return }
        let audioIndexes = format.audioStreamIndexes
        if audioIndexes.isEmpty {
            throw MediaError(.noAudio, path: path, message: "has no audio stream",
                             remedy: "Candor needs the interview's sound; export the recording with audio")
        }
        for (number, request) in audio.enumerated() {
            guard request.sampleRateHz >= 1000, request.sampleRateHz <= options.limits.maxSampleRateHz else {
                throw MediaError(.limitExceeded, path: path,
                                 message: "output sample rate \(request.sampleRateHz) Hz is outside 1000…\(options.limits.maxSampleRateHz) Hz")
            }
            guard let ordinal = request.source.audioStreamOrdinal else {
                throw MediaError(.noSuchSource, path: path,
                                 message: "source '\(request.source)' is a separate file; open it with its own reader")
            }
            try RoleAssignment.validate(request.source, in: info)
            let index = audioIndexes[ordinal]
            let stream = info.streams[index]
            if let channels = stream.channels, channels > options.limits.maxChannels {
                throw MediaError(.limitExceeded, path: path,
                                 message: "audio stream a:\(ordinal) has \(channels) channels, more than the limit of \(options.limits.maxChannels)")
            }
            if let rate = stream.sampleRateHz, rate > options.limits.maxSampleRateHz {
                throw MediaError(.limitExceeded, path: path,
                                 message: "audio stream a:\(ordinal) has a sample rate of \(rate) Hz, above the limit of \(options.limits.maxSampleRateHz) Hz")
            }
            var channel: Int? = nil
            if case .channel(_, let c) = request.source { channel = c }
            outputs.append(AudioOutput(request: request, channel: channel,
                                       blockSamples: max(1, Int(options.blockSeconds * Double(request.sampleRateHz)))))
            if audioStreams[index] == nil {
                let avStream = format.stream(index)
                audioStreams[index] = AudioStreamState(
                    index: index, ordinal: ordinal,
                    codec: try CodecContext(stream: avStream, path: path),
                    timeBase: avStream.pointee.time_base, declaredDuration_s: stream.duration_s)
            }
            audioStreams[index]?.outputs.append(number)
        }
    }

    private func openVideo() throws {
        guard let video else { return }
        let indexes = format.videoStreamIndexes
        let index: Int
        if let ordinal = video.stream {
            guard ordinal < indexes.count else {
                throw MediaError(.noSuchSource, path: path,
                                 message: "video stream v:\(ordinal) does not exist (the file has \(indexes.count))",
                                 remedy: "run `candor probe` to list the streams")
            }
            index = indexes[ordinal]
        } else {
            let best = av_find_best_stream(format.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
            guard best >= 0, indexes.contains(Int(best)) else {
                throw MediaError(.noSuchSource, path: path, message: "has no video stream")
            }
            index = Int(best)
        }
        guard video.framesPerSecond > 0, video.framesPerSecond <= 120, video.width > 0, video.height > 0,
              video.width * video.height <= options.limits.maxVideoPixels else {
            throw MediaError(.limitExceeded, path: path,
                             message: "video request \(video.width)x\(video.height) at \(video.framesPerSecond) fps is out of range")
        }
        let parameters = info.streams[index]
        if let w = parameters.width, let h = parameters.height, w * h > options.limits.maxVideoPixels {
            throw MediaError(.limitExceeded, path: path, message: "video stream is \(w)x\(h), larger than the limit")
        }
        let avStream = format.stream(index)
        let skip: AVDiscard = switch video.skip {
        case .none: AVDISCARD_DEFAULT
        case .nonReference: AVDISCARD_NONREF
        case .nonKey: AVDISCARD_NONKEY
        }
        let codec = try CodecContext(stream: avStream, path: path, threads: video.threads) { context in
            context.pointee.skip_frame = skip
            context.pointee.skip_loop_filter = skip
        }
        videoStream = VideoStreamState(index: index, codec: codec, timeBase: avStream.pointee.time_base,
                                       interval_s: 1 / video.framesPerSecond,
                                       scaler: VideoScaler(width: video.width, height: video.height))
    }

    /// Plain WAV/FLAC files go through libsndfile (faster, and the reference reader for them).
    private func chooseSndfileBackend() throws {
        guard options.preferSndfile, video == nil, !outputs.isEmpty, info.audioStreams.count == 1,
              ["wav", "flac"].contains(info.container),
              let codec = info.audioStreams.first?.codec, codec.hasPrefix("pcm_") || codec == "flac",
              let reader = try? SoundFileReader(path: path),
              reader.channels == info.audioStreams.first?.channels
        else { return }
        sndfile = reader
        statistics.backend = "libsndfile"
    }

    // MARK: - Reading

    /// The next block of audio or video frame, or nil when the file is done.
    /// Throws a ``MediaError`` at the end of a file that turned out to be cut short.
    public func next() throws -> MediaChunk? {
        while queueHead >= queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
            if finished { return nil }
            if sndfile != nil { try stepSndfile() } else { try stepFFmpeg() }
        }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    private func stepSndfile() throws {
        guard let reader = sndfile else { return }
        let count = try reader.read(frames: 8192, into: &sndfileBuffer)
        guard count > 0 else {
            try finish()
            return
        }
        let input = MonoResampler.InputFormat(sampleFormat: AV_SAMPLE_FMT_FLT.rawValue, sampleRateHz: Int32(reader.sampleRateHz),
                                              channels: Int32(reader.channels), layoutMask: 0)
        try sndfileBuffer.withUnsafeBytes { raw in
            var plane: UnsafePointer<UInt8>? = raw.baseAddress?.assumingMemoryBound(to: UInt8.self)
            try withUnsafePointer(to: &plane) { planes in
                for number in outputs.indices {
                    try prepare(number, for: input, layout: AVChannelLayout())
                    try outputs[number].resampler?.convert(planes: planes, count: count, into: &outputs[number].pending, path: path)
                    emitFullBlocks(number)
                }
            }
        }
        statistics.packets += 1
        position_s += Double(count) / Double(reader.sampleRateHz)
    }

    private func stepFFmpeg() throws {
        let status = av_read_frame(format.pointer, packet.pointer)
        if status < 0 {
            if status == FFmpegStatus.again.rawValue { return }
            if status != FFmpegStatus.endOfFile.rawValue { readFailure = status }
            try drainDecoders()
            try finish()
            return
        }
        defer { av_packet_unref(packet.pointer) }
        let index = Int(packet.pointer.pointee.stream_index)
        let timeBase = format.stream(index).pointee.time_base
        if packet.pointer.pointee.pts != FFmpegStatus.noPTS, timeBase.den != 0 {
            let time = Double(packet.pointer.pointee.pts) * Double(timeBase.num) / Double(timeBase.den) - format.start_s
            if time.isFinite, time > position_s, time < options.limits.maxDurationSeconds { position_s = time }
        }
        if let state = audioStreams[index] {
            statistics.packets += 1
            if packet.pointer.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 { statistics.damagedPackets += 1 }
            try decode(packet: packet.pointer, into: state.codec) { try self.handleAudioFrame(state) }
        } else if let state = videoStream, state.index == index {
            try decode(packet: packet.pointer, into: state.codec) { try self.handleVideoFrame(state) }
        }
    }

    /// Sends one packet (nil drains) and hands every frame that comes out to `handle`.
    /// Damaged packets are counted and skipped; decoding continues.
    private func decode(packet: UnsafeMutablePointer<AVPacket>?, into codec: CodecContext,
                        handle: () throws -> Void) throws {
        let sent = avcodec_send_packet(codec.pointer, packet)
        if sent < 0 && sent != FFmpegStatus.endOfFile.rawValue {
            if packet != nil { statistics.damagedPackets += 1 }
            return
        }
        while true {
            let received = avcodec_receive_frame(codec.pointer, frame.pointer)
            if received == FFmpegStatus.again.rawValue || received == FFmpegStatus.endOfFile.rawValue { return }
            if received < 0 {
                statistics.damagedPackets += 1
                return
            }
            defer { av_frame_unref(frame.pointer) }
            if frame.pointer.pointee.decode_error_flags != 0 { statistics.damagedPackets += 1 }
            try handle()
        }
    }

    private func drainDecoders() throws {
        for state in audioStreams.values.sorted(by: { $0.index < $1.index }) {
            try decode(packet: nil, into: state.codec) { try self.handleAudioFrame(state) }
        }
        if let state = videoStream {
            try decode(packet: nil, into: state.codec) { try self.handleVideoFrame(state) }
        }
    }

    // MARK: - Audio frames

    private func prepare(_ number: Int, for input: MonoResampler.InputFormat, layout: AVChannelLayout) throws {
        if let existing = outputs[number].resampler, existing.input == input { return }
        if let channel = outputs[number].channel, channel >= Int(input.channels) {
            throw MediaError(.noSuchSource, path: path,
                             message: "source '\(outputs[number].request.source)' does not exist: the stream now has \(input.channels) channel(s)")
        }
        if let existing = outputs[number].resampler {
            try existing.flush(into: &outputs[number].pending, path: path)
        }
        outputs[number].resampler = try MonoResampler(input: input, layout: layout, channel: outputs[number].channel,
                                                      outputRateHz: outputs[number].request.sampleRateHz, path: path)
    }

    private func handleAudioFrame(_ state: AudioStreamState) throws {
        let current = frame.pointer.pointee
        let count = Int(current.nb_samples)
        guard count > 0, current.sample_rate > 0, current.ch_layout.nb_channels > 0 else { return }
        let rate = Double(current.sample_rate)
        let mask = current.ch_layout.order == AV_CHANNEL_ORDER_NATIVE ? current.ch_layout.u.mask : 0
        let input = MonoResampler.InputFormat(sampleFormat: current.format, sampleRateHz: current.sample_rate,
                                              channels: current.ch_layout.nb_channels, layoutMask: mask)
        for number in state.outputs { try prepare(number, for: input, layout: current.ch_layout) }

        // Place the frame on the timeline: fill gaps with silence, trim overlaps.
        let first = state.position_s == nil
        let position = state.position_s ?? 0
        var frameTime = position
        let pts = current.best_effort_timestamp
        if pts != FFmpegStatus.noPTS, state.timeBase.den != 0 {
            frameTime = Double(pts) * Double(state.timeBase.num) / Double(state.timeBase.den) - format.start_s
        }
        let drift = frameTime - position
        var skip = 0
        if drift > options.gapToleranceSeconds {
            guard drift < options.limits.maxDurationSeconds else {
                throw MediaError(.damaged, path: path,
                                 message: String(format: "audio stream a:%d jumps %.0f s ahead at %.1f s", state.ordinal, drift, position),
                                 remedy: "the timestamps are corrupt; remux the file with ffmpeg -c copy")
            }
            let silence = Int((drift * rate).rounded())
            for number in state.outputs {
                var remaining = silence
                while remaining > 0, let resampler = outputs[number].resampler {
                    remaining -= try resampler.feedSilence(inputSamples: remaining, into: &outputs[number].pending, path: path)
                    emitFullBlocks(number)
                }
            }
            state.position_s = position + Double(silence) / rate
            statistics.silenceInserted_s += Double(silence) / rate
            if !first { statistics.gapsFilled += 1 }
        } else {
            state.position_s = position
            if drift < -options.gapToleranceSeconds {
                skip = min(count, Int((-drift * rate).rounded()))
                statistics.overlapTrimmed_s += Double(skip) / rate
            }
        }
        guard skip < count else { return }

        let format = AVSampleFormat(rawValue: current.format)
        let bytesPerSample = Int(av_get_bytes_per_sample(format))
        let planar = av_sample_fmt_is_planar(format) != 0
        let planeCount = planar ? Int(current.ch_layout.nb_channels) : 1
        let offset = skip * bytesPerSample * (planar ? 1 : Int(current.ch_layout.nb_channels))
        var planes = [UnsafePointer<UInt8>?](repeating: nil, count: planeCount)
        for plane in 0..<planeCount {
            planes[plane] = current.extended_data[plane].map { UnsafePointer($0 + offset) }
        }
        try planes.withUnsafeBufferPointer { pointers in
            for number in state.outputs {
                try outputs[number].resampler?.convert(planes: pointers.baseAddress, count: count - skip,
                                                       into: &outputs[number].pending, path: path)
                emitFullBlocks(number)
            }
        }
        state.position_s = (state.position_s ?? 0) + Double(count - skip) / rate
    }

    private func emitFullBlocks(_ number: Int) {
        let size = outputs[number].blockSamples
        while outputs[number].pending.count >= size {
            emit(number, Array(outputs[number].pending[0..<size]))
            outputs[number].pending.removeFirst(size)
        }
    }

    private func emit(_ number: Int, _ samples: [Float]) {
        let output = outputs[number]
        queue.append(.audio(AudioBlock(request: number, sampleRateHz: output.request.sampleRateHz,
                                       startSample: output.emittedSamples, samples: samples)))
        outputs[number].emittedSamples += Int64(samples.count)
    }

    // MARK: - Video frames

    private func handleVideoFrame(_ state: VideoStreamState) throws {
        let current = frame.pointer.pointee
        let pts = current.best_effort_timestamp
        guard pts != FFmpegStatus.noPTS, state.timeBase.den != 0 else { return }
        let time = Double(pts) * Double(state.timeBase.num) / Double(state.timeBase.den) - format.start_s
        guard time.isFinite, time + 1e-6 >= state.nextFrame_s else { return }
        state.nextFrame_s = (floor(time / state.interval_s + 1e-6) + 1) * state.interval_s
        let pixels = try state.scaler.scale(frame.pointer, path: path)
        queue.append(.video(VideoFrame(time_s: time, width: state.scaler.width, height: state.scaler.height, pixels: pixels)))
        statistics.videoFrames += 1
    }

    // MARK: - End

    private func finish() throws {
        finished = true
        for number in outputs.indices {
            try outputs[number].resampler?.flush(into: &outputs[number].pending, path: path)
            emitFullBlocks(number)
            if !outputs[number].pending.isEmpty {
                emit(number, outputs[number].pending)
                outputs[number].pending.removeAll()
            }
        }
        try checkComplete()
    }

    /// A file whose audio ends well before its declared end was cut short.
    private func checkComplete() throws {
        guard !options.acceptTruncated else { return }
        if let reader = sndfile {
            let decoded = position_s
            let declared = Double(reader.frames) / Double(reader.sampleRateHz)
            if decoded + 0.5 < declared {
                throw truncated(ordinal: 0, decoded: decoded, declared: declared)
            }
            return
        }
        for state in audioStreams.values.sorted(by: { $0.index < $1.index }) {
            let decoded = state.position_s ?? 0
            if let declared = state.declaredDuration_s, declared > 0 {
                // The stream's own declared length: it must be (nearly) all there.
                if decoded < declared - max(1.0, 0.05 * declared) {
                    throw truncated(ordinal: state.ordinal, decoded: decoded, declared: declared)
                }
            } else if let declared = info.duration_s, declared > 0 {
                // Only the container's length is known, and a track may legitimately end before
                // the video does: flag only a read error or audio missing for most of the file.
                let short = declared - decoded
                if (readFailure != nil && short > 1.0) || (short > 5.0 && decoded < 0.5 * declared) {
                    throw truncated(ordinal: state.ordinal, decoded: decoded, declared: declared)
                }
            }
        }
    }

    private func truncated(ordinal: Int, decoded: Double, declared: Double) -> MediaError {
        var message = String(format: "is cut short: audio stream a:%d ends at %.1f s but the file declares %.1f s",
                             ordinal, decoded, declared)
        if let readFailure { message += " (\(FFmpegStatus.message(for: readFailure)))" }
        return MediaError(.damaged, path: path, message: message,
                          remedy: "re-export or re-download the recording (or pass --accept-truncated to analyse what is there)")
    }
}

/// Per-request output state.
private struct AudioOutput {
    let request: AudioRequest
    let channel: Int?
    let blockSamples: Int
    var resampler: MonoResampler?
    var pending: [Float] = []
    var emittedSamples: Int64 = 0

    init(request: AudioRequest, channel: Int?, blockSamples: Int) {
        self.request = request
        self.channel = channel
        self.blockSamples = blockSamples
    }
}

/// Per-decoded-audio-stream state.
private final class AudioStreamState {
    let index: Int
    let ordinal: Int
    let codec: CodecContext
    let timeBase: AVRational
    let declaredDuration_s: Double?
    var outputs: [Int] = []
    /// Timeline time of the next input sample; nil before the first frame.
    var position_s: Double?

    init(index: Int, ordinal: Int, codec: CodecContext, timeBase: AVRational, declaredDuration_s: Double?) {
        self.index = index
        self.ordinal = ordinal
        self.codec = codec
        self.timeBase = timeBase
        self.declaredDuration_s = declaredDuration_s
    }
}

private final class VideoStreamState {
    let index: Int
    let codec: CodecContext
    let timeBase: AVRational
    let interval_s: Double
    let scaler: VideoScaler
    var nextFrame_s: Double = 0

    init(index: Int, codec: CodecContext, timeBase: AVRational, interval_s: Double, scaler: VideoScaler) {
        self.index = index
        self.codec = codec
        self.timeBase = timeBase
        self.interval_s = interval_s
        self.scaler = scaler
    }
}
