import CFFmpeg
import Foundation

/// A real-input FFT of a fixed power-of-two size, through FFmpeg's `libavutil/tx.h`
/// (`AV_TX_FLOAT_RDFT`). Planned once, reused for every frame; the work buffers are
/// allocated with `av_malloc` so they are aligned for FFmpeg's SIMD kernels.
///
/// The one place in CandorDSP that touches C. Not thread-safe: give each analyser its own.
public final class RealFFT {
    /// Transform length in samples (a power of two).
    public let size: Int
    /// Number of complex bins produced: `size / 2 + 1`.
    public var binCount: Int { size / 2 + 1 }

    private var forwardContext: OpaquePointer?
    private let forwardFunction: av_tx_fn
    private var inverseContext: OpaquePointer?
    private var inverseFunction: av_tx_fn?
    private let input: UnsafeMutablePointer<Float>
    /// Interleaved re/im pairs, `binCount` of them.
    private let output: UnsafeMutablePointer<Float>

    /// `av_tx_init` fills FFmpeg's shared twiddle tables on the first use of a size; planning is
    /// serialised as a precaution so that first fill never races. Transforms need no lock.
    private static let planning = NSLock()

    public struct SizeError: Error, CustomStringConvertible {
        public let size: Int
        public var description: String { "FFT size \(size) must be a power of two between 16 and 65536" }
    }

    public init(size: Int) throws(SizeError) {
        guard size >= 16, size <= 65536, size & (size - 1) == 0 else { throw SizeError(size: size) }
        self.size = size
        var context: OpaquePointer? = nil
        var function: av_tx_fn? = nil
        var scale: Float = 1
        let status = RealFFT.planning.withLock {
            av_tx_init(&context, &function, AV_TX_FLOAT_RDFT, 0, Int32(size), &scale, 0)
        }
        guard status >= 0, let context, let function else { throw SizeError(size: size) }
        forwardContext = context
        forwardFunction = function
        guard let input = av_malloc(size * MemoryLayout<Float>.stride)?.assumingMemoryBound(to: Float.self),
              let output = av_malloc((size + 2) * MemoryLayout<Float>.stride)?.assumingMemoryBound(to: Float.self) else {
            throw SizeError(size: size)
        }
        self.input = input
        self.output = output
    }

    deinit {
        av_tx_uninit(&forwardContext)
        av_tx_uninit(&inverseContext)
        av_free(input)
        av_free(output)
    }

    /// Transforms `samples` (zero-padded or truncated to `size`) and calls `body` with the
    /// interleaved complex spectrum (`re0, im0, re1, im1, …`, `binCount` pairs).
    public func forward<T>(_ samples: UnsafeBufferPointer<Float>, _ body: (UnsafeBufferPointer<Float>) throws -> T) rethrows -> T {
        let count = min(samples.count, size)
        if let base = samples.baseAddress { input.update(from: base, count: count) }
        if count < size { (input + count).initialize(repeating: 0, count: size - count) }
        forwardFunction(forwardContext, output, input, MemoryLayout<Float>.stride)
        // FFmpeg 5.1's RDFT leaves the (always zero) imaginary parts of the DC and Nyquist bins
        // unwritten; without this they would hold whatever the buffer held before.
        output[1] = 0
        output[size + 1] = 0
        return try body(UnsafeBufferPointer(start: output, count: 2 * binCount))
    }

    /// Power spectrum `|X_k|^2` of `samples` into `power` (`binCount` values).
    public func power(_ samples: UnsafeBufferPointer<Float>, into power: UnsafeMutableBufferPointer<Float>) {
        forward(samples) { spectrum in
            for k in 0..<min(binCount, power.count) {
                let re = spectrum[2 * k], im = spectrum[2 * k + 1]
                power[k] = re * re + im * im
            }
        }
    }

    /// Inverse of `forward` for a spectrum given as interleaved pairs; the output is scaled by
    /// `1 / size` so that `inverse(forward(x)) == x`.
    public func inverse(_ spectrum: UnsafeBufferPointer<Float>, into samples: UnsafeMutableBufferPointer<Float>) {
        if inverseContext == nil {
            var scale: Float = 1 / Float(size)
            var function: av_tx_fn? = nil
            _ = RealFFT.planning.withLock {
                av_tx_init(&inverseContext, &function, AV_TX_FLOAT_RDFT, 1, Int32(size), &scale, 0)
            }
            inverseFunction = function
        }
        guard let inverseFunction, inverseContext != nil else { return }
        output.update(from: spectrum.baseAddress!, count: min(spectrum.count, 2 * binCount))
        inverseFunction(inverseContext, input, output, MemoryLayout<AVComplexFloat>.stride)
        samples.baseAddress!.update(from: input, count: min(samples.count, size))
    }
}
