import Foundation

/// Analysis windows.
public enum Window {
    /// Periodic Hann window of `length` (scipy's `get_window('hann', n, fftbins=True)`),
    /// centred in `paddedTo` samples of zeros when given (librosa's `pad_center`).
    public static func hann(_ length: Int, paddedTo total: Int? = nil) -> [Float] {
        let total = total ?? length
        var window = [Float](repeating: 0, count: total)
        let offset = (total - length) / 2
        for n in 0..<length {
            window[offset + n] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(length)))
        }
        return window
    }

    /// Periodic Hamming window.
    public static func hamming(_ length: Int) -> [Float] {
        (0..<length).map { Float(0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(length))) }
    }
}
