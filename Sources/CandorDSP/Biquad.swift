import Foundation

/// A second-order IIR section (transposed direct form II, double precision state), designed by
/// the bilinear transform with pre-warping (R. Bristow-Johnson's "Audio EQ Cookbook").
struct Biquad {
    private let b0, b1, b2, a1, a2: Double
    private var z1 = 0.0, z2 = 0.0

    enum Kind { case lowPass, highPass }

    init(_ kind: Kind, cutoffHz: Double, q: Double, sampleRateHz: Double) {
        let w0 = 2 * Double.pi * cutoffHz / sampleRateHz
        let alpha = sin(w0) / (2 * q), c = cos(w0)
        let a0 = 1 + alpha
        switch kind {
        case .lowPass:
            b0 = (1 - c) / 2 / a0; b1 = (1 - c) / a0; b2 = b0
        case .highPass:
            b0 = (1 + c) / 2 / a0; b1 = -(1 + c) / a0; b2 = b0
        }
        a1 = -2 * c / a0
        a2 = (1 - alpha) / a0
    }

    /// A 2nd-order Butterworth filter (Q = 1/√2).
    static func butterworth2(_ kind: Kind, cutoffHz: Double, sampleRateHz: Double) -> Biquad {
        Biquad(kind, cutoffHz: cutoffHz, q: 0.5.squareRoot(), sampleRateHz: sampleRateHz)
    }

    /// One sample through the section.
    @inline(__always) mutating func step(_ x: Double) -> Double {
        let y = b0 * x + z1
        z1 = b1 * x - a1 * y + z2
        z2 = b2 * x - a2 * y
        return y
    }
}
