import CandorDSP
import Foundation

/// A compact, versioned description of a candidate's voice (`candor voiceprint`): speaker
/// statistics averaged over the interview and their window-to-window spread. No audio.
public struct Voiceprint: Sendable, Equatable, Codable {
    public static let schema = "candor.voiceprint/1"
    public var schema: String = Voiceprint.schema
    public var toolVersion: String
    public var media: String
    public var speech_s: Double
    public var windows: Int
    /// Mean of the window embeddings (``SpeakerEmbedding``: MFCC means and spreads, log-F0).
    public var mean: [Float]
    /// Standard deviation of the window embeddings: the scale of one speaker's own variation.
    public var spread: [Float]

    enum CodingKeys: String, CodingKey {
        case schema, media, windows, mean, spread, speech_s
        case toolVersion = "tool_version"
    }

    public init(toolVersion: String, media: String, speech_s: Double, embeddings: [[Float]]) {
        self.toolVersion = toolVersion
        self.media = media
        self.speech_s = speech_s
        windows = embeddings.count
        let dimensions = embeddings.first?.count ?? SpeakerEmbedding.dimensions
        var mean = [Float](repeating: 0, count: dimensions), spread = mean
        for d in 0..<dimensions {
            let values = embeddings.map { $0[d] }.filter { $0.isFinite }
            guard !values.isEmpty else { mean[d] = .nan; spread[d] = .nan; continue }
            let m = values.reduce(0, +) / Float(values.count)
            mean[d] = m
            spread[d] = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(values.count)).squareRoot()
        }
        self.mean = mean
        self.spread = spread
    }

    /// Similarity in 0…1: `1 / (1 + d)`, where `d` is the mean over dimensions of the squared
    /// difference of the two means in units of twice the pooled window-to-window variance (each
    /// print's variance weighted by its degrees of freedom, windows − 1, so a print of a few
    /// windows leans on the other's estimate). The same speaker differs by much less than
    /// their own variation (d ≪ 1); different speakers by about as much or more. 0 when neither
    /// print has two windows.
    public func similarity(to other: Voiceprint) -> Double {
        let freedomA = Double(max(0, windows - 1)), freedomB = Double(max(0, other.windows - 1))
        guard freedomA + freedomB > 0 else { return 0 }
        var sum = 0.0
        var count = 0
        for d in 0..<min(mean.count, other.mean.count) {
            let a = Double(mean[d]), b = Double(other.mean[d])
            // Stored spreads are population deviations; n/(n−1) makes each variance unbiased.
            let varianceA = freedomA > 0 ? Double(spread[d] * spread[d]) * Double(windows) / freedomA : 0
            let varianceB = freedomB > 0 ? Double(other.spread[d] * other.spread[d]) * Double(other.windows) / freedomB : 0
            let scale = 2 * (freedomA * varianceA + freedomB * varianceB) / (freedomA + freedomB)
            guard a.isFinite, b.isFinite, scale.isFinite, scale > 1e-9 else { continue }
            sum += (a - b) * (a - b) / scale
            count += 1
        }
        guard count > 0 else { return 0 }
        return 1 / (1 + sum / Double(count))
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "'\(path)': \(message)" }
    }

    public static func load(path: String) throws -> Voiceprint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(path: path, message: "cannot read the voiceprint; check the path")
        }
        let print: Voiceprint
        do { print = try JSONDecoder().decode(Voiceprint.self, from: data) } catch {
            throw LoadError(path: path, message: "is not a candor.voiceprint/1 file")
        }
        guard print.schema == schema else { throw LoadError(path: path, message: "schema '\(print.schema)' is not '\(schema)'") }
        guard print.mean.count == SpeakerEmbedding.dimensions, print.spread.count == SpeakerEmbedding.dimensions else {
            throw LoadError(path: path, message: "has \(print.mean.count) dimensions, expected \(SpeakerEmbedding.dimensions)")
        }
        return print
    }
}
