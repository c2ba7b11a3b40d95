import CFFmpeg

/// Owns one `SwrContext` that turns any sample format, channel layout and rate into mono
/// 32-bit float at the requested rate, either averaging all channels (plain mean, not
/// FFmpeg's centre-weighted downmix) or picking one channel. The mix is a custom matrix,
/// so conversion, mixing and resampling happen in libswresample's single pass.
final class MonoResampler {
    struct InputFormat: Equatable {
        var sampleFormat: Int32
        var sampleRateHz: Int32
        var channels: Int32
        /// The layout's order and mask; two formats with the same channel count but a different
        /// layout still need a new context.
        var layoutMask: UInt64
    }

    let input: InputFormat
    let outputRateHz: Int
    /// nil averages all channels.
    let channel: Int?
    private let pointer: OpaquePointer
    private var scratch: [Float] = []
    private var silence: SilenceBuffer?

    init(input: InputFormat, layout: AVChannelLayout, channel: Int?, outputRateHz: Int, path: String) throws {
        self.input = input
        self.outputRateHz = outputRateHz
        self.channel = channel
        var inLayout = AVChannelLayout()
        if layout.order == AV_CHANNEL_ORDER_UNSPEC || layout.nb_channels != input.channels {
            av_channel_layout_default(&inLayout, input.channels)
        } else {
            var source = layout
            try FFmpegStatus.check(av_channel_layout_copy(&inLayout, &source), call: "av_channel_layout_copy", path: path)
        }
        defer { av_channel_layout_uninit(&inLayout) }
        var outLayout = candor_layout_mono()
        var context: OpaquePointer? = nil
        try FFmpegStatus.check(
            swr_alloc_set_opts2(&context, &outLayout, AV_SAMPLE_FMT_FLT, Int32(outputRateHz),
                                &inLayout, AVSampleFormat(rawValue: input.sampleFormat), input.sampleRateHz, 0, nil),
            call: "swr_alloc_set_opts2", path: path)
        guard let context else {
            throw MediaError(.libraryFailure, path: path, message: "out of memory", call: "swr_alloc_set_opts2")
        }
        pointer = context
        let count = Int(input.channels)
        var matrix = [Double](repeating: 0, count: count)
        if let channel {
            matrix[channel] = 1
        } else {
            for c in 0..<count { matrix[c] = 1 / Double(count) }
        }
        try FFmpegStatus.check(swr_set_matrix(context, matrix, Int32(count)), call: "swr_set_matrix", path: path)
        try FFmpegStatus.check(swr_init(context), call: "swr_init", path: path)
    }

    deinit {
        var context: OpaquePointer? = pointer
        swr_free(&context)
    }

    /// Converts `count` input samples at `planes` (FFmpeg's `extended_data` layout) and appends
    /// the output to `output`. `planes == nil` flushes what the resampler still holds.
    func convert(planes: UnsafePointer<UnsafePointer<UInt8>?>?, count: Int, into output: inout [Float], path: String) throws {
        let capacity = Int(swr_get_out_samples(pointer, Int32(count))) + 16
        if scratch.count < capacity { scratch = [Float](repeating: 0, count: capacity) }
        let produced = try scratch.withUnsafeMutableBytes { raw -> Int32 in
            var outPlane: UnsafeMutablePointer<UInt8>? = raw.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return try FFmpegStatus.check(
                withUnsafeMutablePointer(to: &outPlane) { outPlanes in
                    swr_convert(pointer, outPlanes, Int32(capacity), UnsafeMutablePointer(mutating: planes), Int32(count))
                },
                call: "swr_convert", path: path)
        }
        output.append(contentsOf: scratch[0..<Int(produced)])
    }

    /// Appends everything still buffered (the resampler's filter tail).
    func flush(into output: inout [Float], path: String) throws {
        while true {
            let before = output.count
            try convert(planes: nil, count: 0, into: &output, path: path)
            if output.count == before { break }
        }
    }

    /// Feeds up to `count` silent input samples (at most one silence chunk) and appends the
    /// output; returns how many input samples were fed. Call in a loop so long gaps stream out
    /// block by block instead of piling up inside libswresample.
    func feedSilence(inputSamples count: Int, into output: inout [Float], path: String) throws -> Int {
        guard count > 0 else { return 0 }
        if silence == nil { silence = try SilenceBuffer(format: input, path: path) }
        guard let silence else { return 0 }
        let fed = min(count, SilenceBuffer.samples)
        try silence.withPlanes { planes in
            try convert(planes: planes, count: fed, into: &output, path: path)
        }
        return fed
    }

    /// Drops the next `count` output samples (overlapping audio).
    func dropOutput(samples count: Int, path: String) throws {
        guard count > 0 else { return }
        try FFmpegStatus.check(swr_drop_output(pointer, Int32(clamping: count)), call: "swr_drop_output", path: path)
    }
}

/// A chunk of digital silence in a given input format (`av_samples_set_silence`: zero for
/// signed and float formats, 0x80 for unsigned 8-bit).
private final class SilenceBuffer {
    static let samples = 4096
    private var planes: [UnsafeMutablePointer<UInt8>?]

    init(format: MonoResampler.InputFormat, path: String) throws {
        let planar = av_sample_fmt_is_planar(AVSampleFormat(rawValue: format.sampleFormat)) != 0
        planes = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: planar ? Int(format.channels) : 1)
        var lineSize: Int32 = 0
        let allocated = planes.withUnsafeMutableBufferPointer {
            av_samples_alloc($0.baseAddress, &lineSize, format.channels, Int32(SilenceBuffer.samples),
                             AVSampleFormat(rawValue: format.sampleFormat), 0)
        }
        try FFmpegStatus.check(allocated, call: "av_samples_alloc", path: path)
        _ = planes.withUnsafeMutableBufferPointer {
            av_samples_set_silence($0.baseAddress, 0, Int32(SilenceBuffer.samples), format.channels,
                                   AVSampleFormat(rawValue: format.sampleFormat))
        }
    }

    func withPlanes<T>(_ body: (UnsafePointer<UnsafePointer<UInt8>?>) throws -> T) rethrows -> T {
        let constant = planes.map { UnsafePointer($0) }
        return try constant.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    deinit {
        // av_samples_alloc makes one allocation; the first plane owns it.
        av_freep(&planes[0])
    }
}
