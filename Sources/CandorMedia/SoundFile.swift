import CSndFile
import Foundation

/// Reads a plain audio file (WAV, FLAC, AIFF, …) through libsndfile, as 32-bit float frames.
/// Owns the `SNDFILE` handle and closes it in `deinit`.
public final class SoundFileReader {
    public let path: String
    public let sampleRateHz: Int
    public let channels: Int
    /// Total frames (samples per channel) the header declares.
    public let frames: Int64
    /// libsndfile's major format, e.g. `WAV` or `FLAC`.
    public let formatName: String
    private let handle: OpaquePointer

    public init(path: String) throws {
        try FormatContext.checkReadableFile(path)
        self.path = path
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            let message = String(cString: sf_strerror(nil))
            throw MediaError(.unrecognizedFormat, path: path, message: "libsndfile cannot read it (\(message))",
                             remedy: "check that it is a WAV or FLAC file", call: "sf_open")
        }
        self.handle = handle
        self.sampleRateHz = Int(info.samplerate)
        self.channels = Int(info.channels)
        self.frames = Int64(info.frames)
        var format = SF_FORMAT_INFO()
        format.format = info.format & Int32(SF_FORMAT_TYPEMASK)
        if sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &format, Int32(MemoryLayout<SF_FORMAT_INFO>.size)) == 0,
           let name = format.extension {
            formatName = String(cString: name).uppercased()
        } else {
            formatName = "unknown"
        }
        guard channels > 0, sampleRateHz > 0 else {
            throw MediaError(.damaged, path: path, message: "declares \(channels) channels at \(sampleRateHz) Hz",
                             remedy: "the header is damaged")
        }
    }

    deinit { sf_close(handle) }

    /// Reads up to `frames` interleaved frames into `buffer` (resized as needed); returns frames read, 0 at the end.
    public func read(frames wanted: Int, into buffer: inout [Float]) throws -> Int {
        let needed = wanted * channels
        if buffer.count < needed { buffer = [Float](repeating: 0, count: needed) }
        let got = buffer.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(wanted)) }
        if got < 0 || (got == 0 && sf_error(handle) != 0) {
            throw MediaError(.damaged, path: path, message: String(cString: sf_strerror(handle)), call: "sf_readf_float")
        }
        return Int(got)
    }
}

/// Writes a WAV or FLAC file through libsndfile, atomically: samples go to a temporary file
/// beside the target, renamed into place by ``finish()``. A writer dropped without `finish()`
/// removes its temporary file, so an interrupted run never leaves half a file.
public final class SoundFileWriter {
    public enum Format: String, Sendable, CaseIterable {
        /// WAV, 32-bit float.
        case wavFloat = "wav"
        /// WAV, 16-bit PCM.
        case wav16 = "wav16"
        /// FLAC, 16-bit.
        case flac

        var sndfileFormat: Int32 {
            switch self {
            case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
            case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
            case .flac: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
            }
        }
    }

    public let path: String
    public let channels: Int
    private let temporaryPath: String
    private var handle: OpaquePointer?

    public init(path: String, sampleRateHz: Int, channels: Int = 1, format: Format = .wavFloat) throws {
        self.path = path
        self.channels = channels
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        var info = SF_INFO()
        info.samplerate = Int32(sampleRateHz)
        info.channels = Int32(channels)
        info.format = format.sndfileFormat
        guard let handle = sf_open(temporaryPath, Int32(SFM_WRITE), &info) else {
            throw MediaError(.writeFailed, path: path, message: "cannot create it (\(String(cString: sf_strerror(nil))))",
                             remedy: "check that the folder exists and is writable", call: "sf_open")
        }
        self.handle = handle
        if format == .flac || format == .wav16 {
            // Scale floats in [-1, 1] to the integer range, clipping rather than wrapping.
            sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        }
    }

    /// Appends interleaved frames.
    public func write(_ samples: [Float]) throws {
        guard let handle else { return }
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        if written != frames {
            throw MediaError(.writeFailed, path: path, message: "write failed (\(String(cString: sf_strerror(handle))))",
                             remedy: "check free disk space", call: "sf_writef_float")
        }
    }

    /// Closes the file and moves it into place.
    public func finish() throws {
        guard let handle else { return }
        self.handle = nil
        let closed = sf_close(handle)
        guard closed == 0 else {
            unlink(temporaryPath)
            throw MediaError(.writeFailed, path: path, message: "closing failed (\(String(cString: sf_error_number(closed))))",
                             call: "sf_close")
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw MediaError(.writeFailed, path: path, message: "could not move the finished file into place (\(reason))",
                             call: "rename")
        }
    }

    deinit {
        if let handle {
            sf_close(handle)
            unlink(temporaryPath)
        }
    }
}
