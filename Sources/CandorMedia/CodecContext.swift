import CFFmpeg

/// Owns one opened decoder (`AVCodecContext`) for a stream and frees it in `deinit`.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let path: String

    init(stream: UnsafeMutablePointer<AVStream>, path: String, threads: Int = 1,
         configure: (UnsafeMutablePointer<AVCodecContext>) -> Void = { _ in }) throws {
        self.path = path
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw MediaError(.unsupportedCodec, path: path,
                             message: "stream \(stream.pointee.index) uses codec '\(name)', which this FFmpeg build cannot decode",
                             remedy: "convert the file with a full FFmpeg build, or install one")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.libraryFailure, path: path, message: "out of memory", call: "avcodec_alloc_context3")
        }
        self.pointer = context
        try FFmpegStatus.check(avcodec_parameters_to_context(context, parameters),
                               call: "avcodec_parameters_to_context", path: path)
        context.pointee.pkt_timebase = stream.pointee.time_base
        context.pointee.thread_count = Int32(max(0, threads))
        configure(context)
        try FFmpegStatus.check(avcodec_open2(context, codec, nil), call: "avcodec_open2", path: path,
                               code: .unsupportedCodec, remedy: "the stream's codec parameters are damaged or unsupported")
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }
}

/// Owns an `AVFrame`.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>
    init() throws {
        guard let frame = av_frame_alloc() else {
            throw MediaError(.libraryFailure, path: "", message: "out of memory", call: "av_frame_alloc")
        }
        pointer = frame
    }
    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

/// Owns an `AVPacket`.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>
    init() throws {
        guard let packet = av_packet_alloc() else {
            throw MediaError(.libraryFailure, path: "", message: "out of memory", call: "av_packet_alloc")
        }
        pointer = packet
    }
    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}
