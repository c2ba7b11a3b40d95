import Foundation

/// Speaker-characteristic statistics of a stretch of speech: the mean and spread of MFCC 1…19
/// (the spectral envelope — vocal tract and voice quality; c0, loudness, left out) and the
/// median and spread of log-F0 (the voice's pitch), as one vector.
public enum SpeakerEmbedding {
    /// Dimensions: 19 means, 19 standard deviations, log-F0 median and interquartile range.
    public static let dimensions = 40

    /// The embedding of `frames` of `features` (speech frames only), or nil with fewer than 20 frames.
    public static func of<Frames: Collection>(_ features: SpeechFeatures, frames: Frames) -> [Float]? where Frames.Element: BinaryInteger {
        guard frames.count >= 20 else { return nil }
        let width = features.mfccCount
        var mean = [Double](repeating: 0, count: width - 1), square = mean
        var logPitch: [Double] = []
        var row = [Int16](repeating: 0, count: width)
        let step = Double(SpeechFeatures.mfccStep)
        for frame in frames {
            let i = Int(frame)
            row.withUnsafeMutableBufferPointer { features.mfccFixed(ofFrame: i, into: $0) }
            for c in 1..<width {
                let value = Double(row[c]) * step
                mean[c - 1] += value
                square[c - 1] += value * value
            }
            if features.f0Hz[i] > 0 { logPitch.append(log(Double(features.f0Hz[i]))) }
        }
        let n = Double(frames.count)
        var result = mean.map { Float($0 / n) }
        for c in 0..<(width - 1) { result.append(Float(max(0, square[c] / n - pow(mean[c] / n, 2)).squareRoot())) }
        logPitch.sort()
        if logPitch.count >= 5 {
            result.append(Float(logPitch[logPitch.count / 2]))
            result.append(Float(logPitch[3 * logPitch.count / 4] - logPitch[logPitch.count / 4]))
        } else {
            result.append(.nan)
            result.append(.nan)
        }
        return result
    }

    /// Windows of `windowSeconds` of speech (counting speech frames only) every `stepSeconds`,
    /// over the frames in `spans` (media-time ranges of the speaker's speech).
    public static func windows(_ features: SpeechFeatures, spans: [ClosedRange<Double>], windowSeconds: Double,
                               stepSeconds: Double) -> [(frames: [Int32], start_s: Double, end_s: Double, embedding: [Float])] {
        var speechFrames: [Int32] = []
        for span in spans {
            if let range = features.frames(from: span.lowerBound, to: span.upperBound) {
                speechFrames.append(contentsOf: Int32(range.lowerBound)...Int32(range.upperBound))
            }
        }
        let length = max(20, Int(windowSeconds / features.hopSeconds))
        let step = max(1, Int(stepSeconds / features.hopSeconds))
        var result: [(frames: [Int32], start_s: Double, end_s: Double, embedding: [Float])] = []
        var start = 0
        while start + length <= speechFrames.count {
            let frames = Array(speechFrames[start..<(start + length)])
            if let embedding = of(features, frames: frames) {
                result.append((frames, features.time(ofFrame: Int(frames.first!)), features.time(ofFrame: Int(frames.last!)), embedding))
            }
            start += step
        }
        return result
    }
}
