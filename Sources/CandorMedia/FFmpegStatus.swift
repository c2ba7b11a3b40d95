import CFFmpeg
import Foundation

/// An FFmpeg return code with named constants (the `AVERROR` macros cannot be imported).
///
/// Every FFmpeg call in Candor goes through ``FFmpegStatus/check(_:call:path:code:remedy:)``,
/// the single place where a negative return becomes a ``MediaError``.
struct FFmpegStatus: Hashable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }

    static let again = FFmpegStatus(candor_averror_eagain())
    static let endOfFile = FFmpegStatus(candor_averror_eof())
    static let invalidData = FFmpegStatus(candor_averror_invaliddata())
    static let outOfMemory = FFmpegStatus(candor_averror_enomem())
    static let exit = FFmpegStatus(candor_averror_exit())

    var isError: Bool { rawValue < 0 }

    /// FFmpeg's message for this code (`av_strerror`).
    var description: String { FFmpegStatus.message(for: rawValue) }

    static func message(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { candor_strerror(code, $0.baseAddress, $0.count) }
        let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
        return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Returns `result` when it is not negative; otherwise throws a ``MediaError`` naming the call.
    @discardableResult
    static func check(_ result: Int32, call: String, path: String,
                      code: MediaError.Code = .libraryFailure, remedy: String? = nil) throws -> Int32 {
        guard result < 0 else { return result }
        throw MediaError(code, path: path, message: FFmpegStatus.message(for: result),
                         remedy: remedy, call: call, libraryCode: result)
    }

    /// Time-stamp sentinel `AV_NOPTS_VALUE`.
    static let noPTS: Int64 = candor_nopts_value()
}

/// FFmpeg prints its own warnings to stderr by default; Candor reports problems itself.
/// Set `CANDOR_FFMPEG_LOG=warning` (or `error`) to see FFmpeg's messages while debugging.
enum FFmpegLogging {
    private static let once: Void = {
        let wanted = ProcessInfo.processInfo.environment["CANDOR_FFMPEG_LOG"]
        switch wanted {
        case "warning": candor_set_log_level(candor_log_warning())
        case "error": candor_set_log_level(candor_log_error())
        default: candor_set_log_level(candor_log_quiet())
        }
    }()
    static func quiet() { _ = once }
}
