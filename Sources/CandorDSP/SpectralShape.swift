import Foundation

/// Per-frame spectral shape measurements from a power spectrum.
public enum SpectralShape {
    /// Energy in `[lowHz, highHz)`, summed over bins.
    public static func bandEnergy(_ power: UnsafeBufferPointer<Float>, binHz: Double, lowHz: Double, highHz: Double) -> Float {
        let first = max(0, Int((lowHz / binHz).rounded(.up)))
        let last = min(power.count, Int((highHz / binHz).rounded(.up)))
        guard first < last else { return 0 }
        var sum: Float = 0
        for k in first..<last { sum += power[k] }
        return sum
    }

    /// Centroid in Hz (power-weighted mean frequency); 0 for a silent frame.
    public static func centroidHz(_ power: UnsafeBufferPointer<Float>, binHz: Double) -> Float {
        var weighted: Double = 0, total: Double = 0
        for k in 0..<power.count {
            weighted += Double(k) * binHz * Double(power[k])
            total += Double(power[k])
        }
        return total > 0 ? Float(weighted / total) : 0
    }

    /// Flatness: geometric over arithmetic mean of the power (1 for white noise, near 0 for a tone).
    /// Logarithms are taken of products of 16 bins at a time (in Double, which cannot
    /// underflow there), a sixteenth of the cost of one logarithm per bin.
    public static func flatness(_ power: UnsafeBufferPointer<Float>, floor: Float = 1e-10) -> Float {
        guard !power.isEmpty else { return 0 }
        var logSum: Double = 0, sum: Double = 0
        var product: Double = 1
        var inGroup = 0
        for value in power {
            let clamped = Double(max(value, floor))
            sum += clamped
            product *= clamped
            inGroup += 1
            if inGroup == 16 {
                logSum += log(product)
                product = 1
                inGroup = 0
            }
        }
        logSum += log(product)
        let n = Double(power.count)
        return Float(exp(logSum / n) / (sum / n))
    }

    /// Spectral flux from magnitudes (√power): sum of positive increases since the previous frame.
    public static func flux(magnitude: UnsafeBufferPointer<Float>, previous: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for k in 0..<min(magnitude.count, previous.count) {
            let rise = magnitude[k] - previous[k]
            if rise > 0 { sum += rise }
        }
        return sum
    }

    /// Spectral flux: sum of positive increases in magnitude (√power) since the previous frame.
    public static func flux(_ power: UnsafeBufferPointer<Float>, previous: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for k in 0..<min(power.count, previous.count) {
            let rise = power[k].squareRoot() - previous[k].squareRoot()
            if rise > 0 { sum += rise }
        }
        return sum
    }
}
