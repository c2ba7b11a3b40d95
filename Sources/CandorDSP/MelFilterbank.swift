import Foundation

/// Triangular mel filters over an FFT's power bins, as librosa builds them by default
/// (`librosa.filters.mel(htk=False, norm='slaney')`: Slaney's mel scale, linear below 1 kHz,
/// each filter normalised to unit area). Stored sparsely: each filter touches a few bins.
public struct MelFilterbank: Sendable {
    public let sampleRateHz: Double
    public let fftSize: Int
    public let melCount: Int
    public let minHz: Double
    public let maxHz: Double
    /// Per filter: first bin and the weights from there.
    public let filters: [(firstBin: Int, weights: [Float])]

    public struct ParameterError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(sampleRateHz: Double, fftSize: Int, melCount: Int, minHz: Double = 0, maxHz: Double? = nil) throws(ParameterError) {
        let maxHz = maxHz ?? sampleRateHz / 2
        guard melCount > 0 else { throw ParameterError(description: "melCount \(melCount) must be positive") }
        guard minHz >= 0, minHz < maxHz, maxHz <= sampleRateHz / 2 else {
            throw ParameterError(description: "mel range \(minHz)…\(maxHz) Hz must lie within 0…\(sampleRateHz / 2) Hz")
        }
        self.sampleRateHz = sampleRateHz
        self.fftSize = fftSize
        self.melCount = melCount
        self.minHz = minHz
        self.maxHz = maxHz
        let binCount = fftSize / 2 + 1
        let binHz = (0..<binCount).map { Double($0) * sampleRateHz / Double(fftSize) }
        let lowMel = MelFilterbank.hzToMel(minHz), highMel = MelFilterbank.hzToMel(maxHz)
        let edges = (0..<(melCount + 2)).map {
            MelFilterbank.melToHz(lowMel + (highMel - lowMel) * Double($0) / Double(melCount + 1))
        }
        var filters: [(Int, [Float])] = []
        for m in 0..<melCount {
            let left = edges[m], centre = edges[m + 1], right = edges[m + 2]
            let norm = 2 / (right - left)
            var first = -1
            var weights: [Float] = []
            for k in 0..<binCount {
                let lower = (binHz[k] - left) / (centre - left)
                let upper = (right - binHz[k]) / (right - centre)
                let weight = max(0, min(lower, upper)) * norm
                if weight > 0 {
                    if first < 0 { first = k }
                    while first + weights.count < k { weights.append(0) }
                    weights.append(Float(weight))
                }
            }
            filters.append((max(first, 0), weights))
        }
        self.filters = filters
    }

    /// Applies the filters to a power spectrum (`fftSize / 2 + 1` bins).
    public func apply(_ power: UnsafeBufferPointer<Float>, into mel: UnsafeMutableBufferPointer<Float>) {
        for m in 0..<melCount {
            let filter = filters[m]
            var sum: Float = 0
            for (offset, weight) in filter.weights.enumerated() { sum += weight * power[filter.firstBin + offset] }
            mel[m] = sum
        }
    }

    /// Slaney's mel scale (librosa's default).
    public static func hzToMel(_ hz: Double) -> Double {
        let linearStep = 200.0 / 3, breakHz = 1000.0, breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return hz < breakHz ? hz / linearStep : breakMel + log(hz / breakHz) / logStep
    }

    public static func melToHz(_ mel: Double) -> Double {
        let linearStep = 200.0 / 3, breakHz = 1000.0, breakMel = breakHz / linearStep
        let logStep = log(6.4) / 27
        return mel < breakMel ? mel * linearStep : breakHz * exp(logStep * (mel - breakMel))
    }
}
