import Foundation

/// Deterministic test signals; `voiceLike` and `glide` match Fixtures/make_reference.py exactly.
enum Signals {
    static let rate = 16000.0

    static func voiceLike(seconds: Double = 1) -> [Float] {
        let count = Int(seconds * rate)
        return (0..<count).map { n in
            let t = Double(n) / rate
            var x = 0.0
            for h in 1..<30 {
                let f = 140.0 * Double(h)
                if f >= rate / 2 { break }
                let weight = 1.0 / Double(h) * (1 + 2 * exp(-pow((f - 700) / 200, 2)) + 1.5 * exp(-pow((f - 1200) / 250, 2)))
                x += 0.05 * weight * sin(2 * .pi * f * t + 0.1 * Double(h))
            }
            if t > 0.5 { x += 0.1 * sin(2 * .pi * 3000 * t) }
            return Float(x)
        }
    }

    /// A steady vowel-like voiced sound (the harmonic part of `voiceLike`).
    static func vowel(seconds: Double, f0: Double = 140) -> [Float] {
        (0..<Int(seconds * rate)).map { n in
            let t = Double(n) / rate
            var x = 0.0
            for h in 1..<30 where f0 * Double(h) < rate / 2 {
                let f = f0 * Double(h)
                let weight = 1.0 / Double(h) * (1 + 2 * exp(-pow((f - 700) / 200, 2)) + 1.5 * exp(-pow((f - 1200) / 250, 2)))
                x += 0.05 * weight * sin(2 * .pi * f * t + 0.1 * Double(h))
            }
            return Float(x)
        }
    }

    static func glide(seconds: Double = 1) -> [Float] {
        let count = Int(seconds * rate)
        var phase = 0.0
        return (0..<count).map { n in
            phase += 2 * .pi * 110 * pow(2, Double(n) / Double(count)) / rate
            var x = 0.0
            for h in 1..<6 { x += 0.2 / Double(h) * sin(Double(h) * phase) }
            return Float(x)
        }
    }

    static func sine(_ hz: Double, seconds: Double, amplitude: Double = 0.5, rate: Double = rate) -> [Float] {
        (0..<Int(seconds * rate)).map { Float(amplitude * sin(2 * .pi * hz * Double($0) / rate)) }
    }

    /// Harmonic tone with `harmonics` partials of falling amplitude.
    static func harmonic(_ f0: Double, seconds: Double, harmonics: Int = 8) -> [Float] {
        (0..<Int(seconds * rate)).map { n in
            var x = 0.0
            for h in 1...harmonics where Double(h) * f0 < rate / 2 {
                x += 0.3 / Double(h) * sin(2 * .pi * f0 * Double(h) * Double(n) / rate + Double(h))
            }
            return Float(x)
        }
    }

    /// Reproducible white noise (xorshift), uniform in ±amplitude.
    static func noise(count: Int, amplitude: Float, seed: UInt64 = 42) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return amplitude * (Float(state % 2_000_001) / 1_000_000 - 1)
        }
    }

    static func fixture(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }
}
