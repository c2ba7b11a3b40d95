import Foundation

/// Mel-frequency cepstral coefficients from a mel power spectrum, as librosa computes them
/// (`mfcc(S=power_to_db(melspec, top_db=None))`): `10 log10(max(mel, 1e-10))` then an
/// orthonormal DCT-II, keeping the first `coefficientCount`.
public struct MFCC: Sendable {
    public let melCount: Int
    public let coefficientCount: Int
    /// Row-major `coefficientCount × melCount` DCT-II (orthonormal) matrix.
    private let dct: [Float]

    public init(melCount: Int, coefficientCount: Int) {
        self.melCount = melCount
        self.coefficientCount = min(coefficientCount, melCount)
        var dct = [Float](repeating: 0, count: self.coefficientCount * melCount)
        for k in 0..<self.coefficientCount {
            let scale = k == 0 ? (1 / Double(melCount)).squareRoot() : (2 / Double(melCount)).squareRoot()
            for n in 0..<melCount {
                dct[k * melCount + n] = Float(scale * cos(Double.pi / Double(melCount) * (Double(n) + 0.5) * Double(k)))
            }
        }
        self.dct = dct
    }

    /// Log-mel in decibels (librosa `power_to_db` with `ref=1`, `amin=1e-10`, no `top_db`).
    public static func decibels(_ mel: Float) -> Float { 10 * log10(max(mel, 1e-10)) }

    /// Cepstrum of one frame's mel power spectrum.
    public func apply(mel: UnsafeBufferPointer<Float>, into cepstrum: UnsafeMutableBufferPointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: melCount) { logMel in
            for n in 0..<melCount { logMel[n] = MFCC.decibels(mel[n]) }
            for k in 0..<coefficientCount {
                var sum: Float = 0
                let row = k * melCount
                for n in 0..<melCount { sum += dct[row + n] * logMel[n] }
                cepstrum[k] = sum
            }
        }
    }

    /// Regression deltas (HTK/Kaldi formula) over frames of `width` coefficients, using
    /// `±window` neighbouring frames with edge frames repeated:
    /// `d_t = Σ_n n (c_{t+n} − c_{t−n}) / (2 Σ_n n²)`.
    public static func deltas(_ frames: [[Float]], window: Int = 2) -> [[Float]] {
        guard let width = frames.first?.count, window > 0 else { return frames.map { $0.map { _ in 0 } } }
        let denominator = Float(2 * (1...window).reduce(0) { $0 + $1 * $1 })
        let last = frames.count - 1
        return frames.indices.map { t in
            var delta = [Float](repeating: 0, count: width)
            for n in 1...window {
                let ahead = frames[min(t + n, last)], behind = frames[max(t - n, 0)]
                for c in 0..<width { delta[c] += Float(n) * (ahead[c] - behind[c]) }
            }
            return delta.map { $0 / denominator }
        }
    }
}
