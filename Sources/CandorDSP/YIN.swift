import Foundation

/// One pitch measurement.
public struct PitchEstimate: Sendable, Equatable {
    /// Fundamental frequency in Hz: the best period even when the frame is judged unvoiced
    /// (0 only for silence).
    public var f0Hz: Float
    /// Whether the frame is judged voiced (YIN's aperiodicity under the threshold).
    public var voiced: Bool
    /// The cumulative-mean-normalised difference at the chosen lag (0 = perfectly periodic).
    public var aperiodicity: Float
}

/// YIN fundamental-frequency estimation (de Cheveigné & Kawahara, 2002) with a voicing
/// decision. The difference function is computed through the FFT (autocorrelation plus
/// running energies), so a frame costs three FFTs instead of O(window × lag).
public final class YIN {
    public let sampleRateHz: Double
    /// Samples per analysis frame (a power of two); the integration window is half of it.
    public let frameSamples: Int
    public let minHz: Double
    public let maxHz: Double
    /// Aperiodicity threshold for the first dip (default 0.15).
    public let threshold: Float
    /// Frames quieter than this RMS (dBFS) are unvoiced without analysis.
    public let silenceDBFS: Float

    private let fft: RealFFT
    private let windowSamples: Int
    private let minLag: Int
    private let maxLag: Int
    // Work buffers, allocated once (no copy-on-write checks in the per-frame loops).
    private let head: UnsafeMutableBufferPointer<Float>
    private let spectrumA: UnsafeMutableBufferPointer<Float>
    private let correlation: UnsafeMutableBufferPointer<Float>
    private let difference: UnsafeMutableBufferPointer<Float>
    private let squares: UnsafeMutableBufferPointer<Double>

    public struct ParameterError: Error, CustomStringConvertible { public let description: String }

    public init(sampleRateHz: Double, frameSamples: Int = 1024, minHz: Double = 60, maxHz: Double = 500,
                threshold: Float = 0.15, silenceDBFS: Float = -60) throws(ParameterError) {
        guard minHz > 0, maxHz > minHz, maxHz < sampleRateHz / 4 else {
            throw ParameterError(description: "pitch range \(minHz)…\(maxHz) Hz is invalid at \(sampleRateHz) Hz")
        }
        do { fft = try RealFFT(size: frameSamples) } catch {
            throw ParameterError(description: "YIN frameSamples: \(error.description)")
        }
        windowSamples = frameSamples / 2
        minLag = max(2, Int((sampleRateHz / maxHz).rounded(.down)))
        maxLag = Int((sampleRateHz / minHz).rounded(.up))
        guard maxLag < frameSamples - windowSamples else {
            throw ParameterError(description: "frameSamples \(frameSamples) is too short for \(minHz) Hz at \(sampleRateHz) Hz: need more than \(2 * maxLag)")
        }
        self.sampleRateHz = sampleRateHz
        self.frameSamples = frameSamples
        self.minHz = minHz
        self.maxHz = maxHz
        self.threshold = threshold
        self.silenceDBFS = silenceDBFS
        head = .allocate(capacity: frameSamples)
        head.initialize(repeating: 0)
        spectrumA = .allocate(capacity: frameSamples + 2)
        spectrumA.initialize(repeating: 0)
        correlation = .allocate(capacity: frameSamples)
        correlation.initialize(repeating: 0)
        difference = .allocate(capacity: maxLag + 2)
        difference.initialize(repeating: 0)
        squares = .allocate(capacity: frameSamples + 1)
        squares.initialize(repeating: 0)
    }

    deinit {
        head.deallocate()
        spectrumA.deallocate()
        correlation.deallocate()
        difference.deallocate()
        squares.deallocate()
    }

    /// Estimates the pitch of one frame of `frameSamples` samples.
    public func estimate(_ frame: UnsafeBufferPointer<Float>) -> PitchEstimate {
        let unvoiced = PitchEstimate(f0Hz: 0, voiced: false, aperiodicity: 1)
        guard frame.count >= frameSamples else { return unvoiced }
        // Running energies: squares[i] = Σ_{j<i} x_j².
        squares[0] = 0
        for i in 0..<frameSamples { squares[i + 1] = squares[i] + Double(frame[i] * frame[i]) }
        let meanSquare = squares[frameSamples] / Double(frameSamples)
        guard meanSquare > 0, 10 * log10(meanSquare) > Double(silenceDBFS) else { return unvoiced }

        // r(τ) = Σ_{j<W} x_j x_{j+τ} = IFFT(conj(FFT(head)) · FFT(frame))[τ]; no wrap for τ ≤ frame − W.
        for i in 0..<windowSamples { head[i] = frame[i] }
        for i in windowSamples..<frameSamples { head[i] = 0 }
        fft.forward(UnsafeBufferPointer(head)) { spectrum in
            for i in 0..<spectrum.count { spectrumA[i] = spectrum[i] }
        }
        fft.forward(frame) { spectrumB in
            let a = spectrumA
            for k in 0..<(frameSamples / 2 + 1) {
                let ar = a[2 * k], ai = -a[2 * k + 1]
                let br = spectrumB[2 * k], bi = spectrumB[2 * k + 1]
                a[2 * k] = ar * br - ai * bi
                a[2 * k + 1] = ar * bi + ai * br
            }
        }
        fft.inverse(UnsafeBufferPointer(spectrumA), into: correlation)
        // d(τ) = E(0) + E(τ) − 2 r(τ); cumulative-mean normalisation.
        let energy0 = squares[windowSamples]
        difference[0] = 1
        var running: Double = 0
        for lag in 1...maxLag {
            let energyLag = squares[lag + windowSamples] - squares[lag]
            let d = max(0, energy0 + energyLag - 2 * Double(correlation[lag]))
            running += d
            difference[lag] = running > 0 ? Float(d * Double(lag) / running) : 1
        }
        // First dip under the threshold, followed to its minimum; else the global minimum.
        var chosen = -1
        var lag = minLag
        while lag <= maxLag {
            if difference[lag] < threshold {
                while lag + 1 <= maxLag && difference[lag + 1] < difference[lag] { lag += 1 }
                chosen = lag
                break
            }
            lag += 1
        }
        var voiced = true
        if chosen < 0 {
            voiced = false
            chosen = minLag
            for lag in minLag...maxLag where difference[lag] < difference[chosen] { chosen = lag }
        }
        // Parabolic interpolation of the dip.
        var refined = Double(chosen)
        if chosen > minLag && chosen < maxLag {
            let a = Double(difference[chosen - 1]), b = Double(difference[chosen]), c = Double(difference[chosen + 1])
            let denominator = a - 2 * b + c
            if denominator > 0 { refined += 0.5 * (a - c) / denominator }
        }
        let f0 = Float(sampleRateHz / refined)
        return PitchEstimate(f0Hz: f0, voiced: voiced, aperiodicity: difference[chosen])
    }
}
