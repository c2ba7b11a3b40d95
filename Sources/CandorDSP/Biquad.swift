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

    /// A 4th-order Butterworth filter: two sections with the Butterworth pole pairs' Q
    /// (1 / (2 cos(π/8)) and 1 / (2 cos(3π/8))).
    static func butterworth4(_ kind: Kind, cutoffHz: Double, sampleRateHz: Double) -> [Biquad] {
        [1.0, 3.0].map { Biquad(kind, cutoffHz: cutoffHz, q: 1 / (2 * cos($0 * Double.pi / 8)), sampleRateHz: sampleRateHz) }
    }

    /// Filters `signal` in place, carrying the state over to the next call.
    mutating func process(_ signal: inout [Double]) {
        var z1 = self.z1, z2 = self.z2
        let b0 = self.b0, b1 = self.b1, b2 = self.b2, a1 = self.a1, a2 = self.a2
        signal.withUnsafeMutableBufferPointer { signal in
            for i in signal.indices {
                let x = signal[i]
                let y = b0 * x + z1
                z1 = b1 * x - a1 * y + z2
                z2 = b2 * x - a2 * y
                signal[i] = y
            }
        }
        self.z1 = z1
        self.z2 = z2
    }
}
