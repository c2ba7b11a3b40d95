import CFFmpeg

/// Owns a `SwsContext` that shrinks decoded video frames to small 8-bit grayscale images.
final class VideoScaler {
    let width: Int
    let height: Int
    private var context: OpaquePointer?

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    deinit { sws_freeContext(context) }

    /// Scales `frame` (any software pixel format) to `width`×`height` luma.
    func scale(_ frame: UnsafeMutablePointer<AVFrame>, path: String) throws -> [UInt8] {
        let source = frame.pointee
        guard source.width > 0, source.height > 0, source.format >= 0 else {
            throw MediaError(.damaged, path: path, message: "a video frame has no size or pixel format")
        }
        context = sws_getCachedContext(context, source.width, source.height, AVPixelFormat(rawValue: source.format),
                                       Int32(width), Int32(height), AV_PIX_FMT_GRAY8, SWS_AREA, nil, nil, nil)
        guard let context else {
            throw MediaError(.libraryFailure, path: path, message: "cannot scale \(source.width)x\(source.height) video",
                             call: "sws_getCachedContext")
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        let rows = pixels.withUnsafeMutableBufferPointer { destination -> Int32 in
            var destinationPlanes: [UnsafeMutablePointer<UInt8>?] = [destination.baseAddress, nil, nil, nil]
            var destinationStrides: [Int32] = [Int32(width), 0, 0, 0]
            return withUnsafePointer(to: frame.pointee.data) { data in
                withUnsafePointer(to: frame.pointee.linesize) { lineSizes in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { planes in
                        lineSizes.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
                            sws_scale(context, planes, strides, 0, source.height, &destinationPlanes, &destinationStrides)
                        }
                    }
                }
            }
        }
        try FFmpegStatus.check(rows, call: "sws_scale", path: path)
        return pixels
    }
}
