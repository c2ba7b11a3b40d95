import CFFmpeg
import Foundation

/// Owns one opened `AVFormatContext` (demuxer) and closes it in `deinit`.
/// Pointers never leave this module.
final class FormatContext {
    let path: String
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The container start time in seconds: Candor's media time 0.
    private(set) var start_s: Double

    /// Opens `path`, checking the obvious problems first so their messages are plain.
    init(path: String, limits: MediaLimits, acceptTruncated: Bool = false) throws {
        FFmpegLogging.quiet()
        self.path = path
        try FormatContext.checkReadableFile(path)
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        let opened = avformat_open_input(&context, path, nil, nil)
        if opened < 0 {
            let status = FFmpegStatus(opened)
            let code: MediaError.Code = status == .invalidData ? .unrecognizedFormat : .damaged
            throw MediaError(code, path: path,
                             message: "not a media file FFmpeg can read (\(status.description))",
                             remedy: "check that it is an audio or video recording and not cut short; try `ffprobe` on it",
                             call: "avformat_open_input", libraryCode: opened)
        }
        guard let context else {
            throw MediaError(.libraryFailure, path: path, message: "FFmpeg returned no context", call: "avformat_open_input")
        }
        self.pointer = context
        // Known only after avformat_find_stream_info; set below.
        self.start_s = 0

        if Int(context.pointee.nb_streams) > limits.maxStreams {
            throw MediaError(.limitExceeded, path: path,
                             message: "has \(context.pointee.nb_streams) streams, more than the limit of \(limits.maxStreams)",
                             remedy: "this is not an interview recording; remux the streams you need with ffmpeg -map")
        }
        let found = avformat_find_stream_info(context, nil)
        if found < 0 {
            throw MediaError(.damaged, path: path,
                             message: "could not read stream information (\(FFmpegStatus(found).description))",
                             remedy: "the file may be damaged or cut short; re-export or re-download it",
                             call: "avformat_find_stream_info", libraryCode: found)
        }
        let start = context.pointee.start_time
        self.start_s = start == FFmpegStatus.noPTS ? 0 : Double(start) / Double(candor_time_base())
        if context.pointee.nb_streams == 0 {
            throw MediaError(.noAudio, path: path, message: "contains no streams",
                             remedy: "check that the recording finished writing")
        }
        if !acceptTruncated { try checkIndexWithinFile() }
        if let duration = declaredDuration_s, duration > limits.maxDurationSeconds {
            throw MediaError(.limitExceeded, path: path,
                             message: String(format: "declares a duration of %.1f hours, more than the limit of %.1f hours",
                                             duration / 3600, limits.maxDurationSeconds / 3600),
                             remedy: "the header is probably corrupt; remux it with ffmpeg -c copy")
        }
    }

    /// A container whose index (mp4 sample table, Matroska cues) points past the end of the
    /// file was cut short after its header was written (e.g. an mp4 with `+faststart`).
    private func checkIndexWithinFile() throws {
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        guard fileSize > 0 else { return }
        var furthest: Int64 = 0
        for index in 0..<streamCount {
            let avStream = stream(index)
            let count = avformat_index_get_entries_count(avStream)
            guard count > 0, let entry = avformat_index_get_entry(avStream, count - 1) else { continue }
            furthest = max(furthest, entry.pointee.pos + Int64(entry.pointee.size))
        }
        if furthest > fileSize {
            throw MediaError(.damaged, path: path,
                             message: "is cut short: its index refers to byte \(furthest) but the file has \(fileSize) bytes",
                             remedy: "re-export or re-download the recording (or pass --accept-truncated to analyse what is there)")
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
    }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        pointer.pointee.streams[index]!
    }

    var declaredDuration_s: Double? {
        let duration = pointer.pointee.duration
        guard duration != FFmpegStatus.noPTS, duration > 0 else { return nil }
        return Double(duration) / Double(candor_time_base())
    }

    /// Container indexes of audio streams, in `a:N` order.
    var audioStreamIndexes: [Int] {
        (0..<streamCount).filter { stream($0).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
    }

    /// Container indexes of real video streams (cover art excluded), in `v:N` order.
    var videoStreamIndexes: [Int] {
        (0..<streamCount).filter {
            let s = stream($0).pointee
            return s.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                && (s.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0
        }
    }

    /// Refuses missing files, directories, unreadable and empty files with plain messages.
    static func checkReadableFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(.notFound, path: path, message: "no such file", remedy: "check the path")
        }
        if isDirectory.boolValue {
            throw MediaError(.isDirectory, path: path, message: "is a directory, not a media file",
                             remedy: "name a recording inside it (candor scan takes directories)")
        }
        guard access(path, R_OK) == 0 else {
            throw MediaError(.permissionDenied, path: path, message: "cannot be read (permission denied)",
                             remedy: "check the file's permissions")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        if size == 0 {
            throw MediaError(.emptyFile, path: path, message: "is empty (0 bytes)",
                             remedy: "the recording was not written; export it again")
        }
    }

    // MARK: - Describing streams

    func info() -> MediaInfo {
        let format = pointer.pointee.iformat.pointee
        var audioOrdinal = 0
        var videoOrdinal = 0
        var streams: [StreamInfo] = []
        for index in 0..<streamCount {
            let avStream = stream(index)
            let parameters = avStream.pointee.codecpar.pointee
            let timeBase = avStream.pointee.time_base
            let seconds = { (value: Int64) -> Double? in
                guard value != FFmpegStatus.noPTS, timeBase.den != 0 else { return nil }
                return Double(value) * Double(timeBase.num) / Double(timeBase.den)
            }
            let kind: StreamInfo.Kind
            switch parameters.codec_type {
            case AVMEDIA_TYPE_AUDIO: kind = .audio
            case AVMEDIA_TYPE_VIDEO: kind = .video
            case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
            case AVMEDIA_TYPE_DATA: kind = .data
            case AVMEDIA_TYPE_ATTACHMENT: kind = .attachment
            default: kind = .unknown
            }
            let attached = (avStream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
            var spec: String? = nil
            if kind == .audio {
                spec = "a:\(audioOrdinal)"
                audioOrdinal += 1
            } else if kind == .video && !attached {
                spec = "v:\(videoOrdinal)"
                videoOrdinal += 1
            }
            let tags = FormatContext.dictionary(avStream.pointee.metadata)
            var info = StreamInfo(
                index: index, kind: kind, spec: spec,
                codec: String(cString: avcodec_get_name(parameters.codec_id)),
                codecLongName: avcodec_descriptor_get(parameters.codec_id).map { String(cString: $0.pointee.long_name) },
                start_s: (seconds(avStream.pointee.start_time) ?? start_s) - start_s,
                duration_s: seconds(avStream.pointee.duration) ?? tags["duration"].flatMap(FormatContext.parseClock),
                bitRate: parameters.bit_rate > 0 ? Int(parameters.bit_rate) : nil,
                title: tags["title"], handler: tags["handler_name"] ?? tags["handler"],
                language: tags["language"].flatMap { $0 == "und" ? nil : $0 },
                isDefault: (avStream.pointee.disposition & AV_DISPOSITION_DEFAULT) != 0,
                attachedPicture: attached,
                decodable: avcodec_find_decoder(parameters.codec_id) != nil)
            if let profile = avcodec_profile_name(parameters.codec_id, parameters.profile) {
                info.profile = String(cString: profile)
            }
            if kind == .audio {
                info.sampleRateHz = Int(parameters.sample_rate)
                info.channels = Int(parameters.ch_layout.nb_channels)
                info.channelLayout = FormatContext.describe(parameters.ch_layout)
                if let name = av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters.format)) {
                    info.sampleFormat = String(cString: name)
                }
            } else if kind == .video {
                info.width = Int(parameters.width)
                info.height = Int(parameters.height)
                let rate = avStream.pointee.avg_frame_rate
                if rate.den > 0 && rate.num > 0 { info.framesPerSecond = Double(rate.num) / Double(rate.den) }
            }
            streams.append(info)
        }
        return MediaInfo(
            path: path,
            container: String(cString: format.name),
            containerLongName: format.long_name.map { String(cString: $0) },
            duration_s: declaredDuration_s,
            start_s: start_s,
            bitRate: pointer.pointee.bit_rate > 0 ? Int(pointer.pointee.bit_rate) : nil,
            tags: FormatContext.dictionary(pointer.pointee.metadata),
            streams: streams)
    }

    static func dictionary(_ dictionary: OpaquePointer?) -> [String: String] {
        var result: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            result[String(cString: next.pointee.key).lowercased()] = String(cString: next.pointee.value)
            entry = next
        }
        return result
    }

    /// Parses Matroska's per-track `DURATION` tag, `HH:MM:SS.fraction`.
    static func parseClock(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]),
              h >= 0, m >= 0, s >= 0 else { return nil }
        return h * 3600 + m * 60 + s
    }

    static func describe(_ layout: AVChannelLayout) -> String? {
        var copy = layout
        var buffer = [CChar](repeating: 0, count: 128)
        let written = buffer.withUnsafeMutableBufferPointer { av_channel_layout_describe(&copy, $0.baseAddress, $0.count) }
        guard written > 0 else { return nil }
        let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
