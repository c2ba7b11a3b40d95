import Foundation

/// Detection metrics for `candor evaluate`.
public enum Metrics {
    public struct Confusion: Sendable, Equatable, Codable {
        public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0
        public init() {}
        public var precision: Double? { truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double? { truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives) }
        public var f1: Double? {
            guard let p = precision, let r = recall, p + r > 0 else { return precision == nil && recall == nil ? nil : 0 }
            return 2 * p * r / (p + r)
        }
        public var falseAlarmRate: Double? { falsePositives + trueNegatives == 0 ? nil : Double(falsePositives) / Double(falsePositives + trueNegatives) }

        public mutating func add(truth: Bool, predicted: Bool) {
            switch (truth, predicted) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (true, false): falseNegatives += 1
            }
        }
    }

    /// ROC AUC: the probability that a random positive scores above a random negative (ties count half).
    public static func rocAUC(scores: [Double], truth: [Bool]) -> Double? {
        let positives = zip(scores, truth).filter { $0.1 }.map(\.0), negatives = zip(scores, truth).filter { !$0.1 }.map(\.0)
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var wins = 0.0
        for p in positives { for n in negatives { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
        return wins / Double(positives.count * negatives.count)
    }

    /// One-to-one matching within ±`tolerance`: precision, recall, F1 of `found` against `truth`.
    public static func eventScores(found: [Double], truth: [Double], tolerance: Double) -> (precision: Double, recall: Double, f1: Double, hits: Int) {
        let sortedTruth = truth.sorted()
        var used = [Bool](repeating: false, count: sortedTruth.count)
        var hits = 0
        for time in found.sorted() {
            var best = -1
            for (index, t) in sortedTruth.enumerated() where !used[index] && abs(t - time) <= tolerance {
                if best < 0 || abs(t - time) < abs(sortedTruth[best] - time) { best = index }
            }
            if best >= 0 { used[best] = true; hits += 1 }
        }
        let precision = found.isEmpty ? (truth.isEmpty ? 1 : 0) : Double(hits) / Double(found.count)
        let recall = truth.isEmpty ? 1 : Double(hits) / Double(truth.count)
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return (precision, recall, f1, hits)
    }

    /// Mean absolute error between truth points and the nearest found point (nil when nothing was found).
    public static func nearestError(found: [Double], truth: [Double]) -> Double? {
        guard !found.isEmpty, !truth.isEmpty else { return nil }
        return truth.map { t in found.map { abs($0 - t) }.min()! }.reduce(0, +) / Double(truth.count)
    }
}
