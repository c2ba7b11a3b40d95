import Foundation

/// The mapping from the event log's clock to the media timeline:
/// `media_time = log_time × (1 + drift) + offset` (DESIGN.md: `clock_offset_s`).
public struct ClockAlignment: Sendable, Equatable {
    public var offset_s: Double
    /// Relative clock-rate difference (0.0001 = 100 ppm).
    public var drift: Double
    /// Keys matched when the alignment was estimated.
    public var matchedKeys: Int
    /// `keystrokes` or `session header`.
    public var source: String

    public init(offset_s: Double, drift: Double = 0, matchedKeys: Int = 0, source: String) {
        self.offset_s = offset_s
        self.drift = drift
        self.matchedKeys = matchedKeys
        self.source = source
    }

    public func mediaTime(_ logTime: Double) -> Double { logTime * (1 + drift) + offset_s }

    /// Estimates the alignment from the keystroke patterns themselves: the offset at which the
    /// most logged key-downs coincide (±`tolerance`) with heard presses, searched over
    /// ±`searchSeconds`, refined by the median residual and a fitted drift.
    /// Returns nil when fewer than `minimumMatched` keys line up.
    public static func estimate(logged: [Double], heard: [Double], tolerance: Double, searchSeconds: Double,
                                minimumMatched: Int) -> ClockAlignment? {
        guard !logged.isEmpty, !heard.isEmpty else { return nil }
        let logged = logged.sorted(), heard = heard.sorted()
        guard let coarse = peakOffset(logged: logged, heard: heard, centre: 0, searchSeconds: searchSeconds, tolerance: tolerance)
        else { return nil }
        var offset = coarse.offset
        var drift = 0.0
        // Drift: the offset measured separately in 200 s blocks of the log, a line fitted through them.
        if let first = logged.first, let last = logged.last, last - first > 400 {
            var points: [(time: Double, offset: Double, weight: Double)] = []
            var blockStart = first
            while blockStart < last {
                let block = logged.filter { $0 >= blockStart && $0 < blockStart + 200 }
                if block.count >= 20, let local = peakOffset(logged: block, heard: heard, centre: coarse.offset,
                                                             searchSeconds: 1.0, tolerance: tolerance),
                   local.count >= 10 {
                    points.append(((block.first! + block.last!) / 2, local.offset, Double(local.count)))
                }
                blockStart += 200
            }
            if points.count >= 3 {
                let totalWeight = points.reduce(0) { $0 + $1.weight }
                let meanT = points.reduce(0) { $0 + $1.weight * $1.time } / totalWeight
                let meanO = points.reduce(0) { $0 + $1.weight * $1.offset } / totalWeight
                var numerator = 0.0, denominator = 0.0
                for point in points {
                    numerator += point.weight * (point.time - meanT) * (point.offset - meanO)
                    denominator += point.weight * (point.time - meanT) * (point.time - meanT)
                }
                let slope = denominator > 0 ? numerator / denominator : 0
                if abs(slope) > 10e-6 && abs(slope) < 0.01 {
                    drift = slope
                    offset = meanO - slope * meanT
                }
            }
        }
        let pairs = match(logged: logged, heard: heard, offset: offset, drift: drift, tolerance: tolerance)
        guard pairs.count >= minimumMatched else { return nil }
        let residuals = pairs.map { $0.heard - $0.logged * (1 + drift) }.sorted()
        offset = residuals[residuals.count / 2]
        return ClockAlignment(offset_s: offset, drift: drift, matchedKeys: pairs.count, source: "keystrokes")
    }

    /// The offset (heard − logged) within `centre ± searchSeconds` at which the most keys
    /// coincide within ±`tolerance`, from a 5 ms histogram of pairwise differences.
    static func peakOffset(logged: [Double], heard: [Double], centre: Double, searchSeconds: Double,
                           tolerance: Double) -> (offset: Double, count: Int)? {
        let binSeconds = 0.005
        let binCount = Int(2 * searchSeconds / binSeconds) + 1
        var histogram = [Int32](repeating: 0, count: binCount)
        var low = 0
        for time in logged {
            let from = time + centre - searchSeconds, to = time + centre + searchSeconds
            while low < heard.count && heard[low] < from { low += 1 }
            var j = low
            while j < heard.count && heard[j] <= to {
                let bin = Int(((heard[j] - time - centre + searchSeconds) / binSeconds).rounded())
                if bin >= 0 && bin < binCount { histogram[bin] += 1 }
                j += 1
            }
        }
        let reach = max(1, Int(tolerance / binSeconds))
        var running: Int32 = 0
        var best = (count: Int32(0), bin: -1)
        for bin in 0..<(binCount + reach) {
            if bin < binCount { running += histogram[bin] }
            if bin - 2 * reach - 1 >= 0 { running -= histogram[bin - 2 * reach - 1] }
            let centreBin = bin - reach
            if centreBin >= 0 && centreBin < binCount && running > best.count { best = (running, centreBin) }
        }
        guard best.bin >= 0 else { return nil }
        // Refine: median difference of the pairs within tolerance of the peak.
        let peak = centre + Double(best.bin) * binSeconds - searchSeconds
        let pairs = match(logged: logged, heard: heard, offset: peak, drift: 0, tolerance: tolerance)
        guard !pairs.isEmpty else { return nil }
        let differences = pairs.map { $0.heard - $0.logged }.sorted()
        return (differences[differences.count / 2], pairs.count)
    }

    /// One-to-one matching of logged to heard times (mapped through the alignment), nearest first.
    public static func match(logged: [Double], heard: [Double], offset: Double, drift: Double, tolerance: Double)
        -> [(logged: Double, heard: Double, loggedIndex: Int, heardIndex: Int)] {
        var result: [(Double, Double, Int, Int)] = []
        var used = [Bool](repeating: false, count: heard.count)
        var low = 0
        for (index, time) in logged.enumerated() {
            let mapped = time * (1 + drift) + offset
            while low < heard.count && heard[low] < mapped - tolerance { low += 1 }
            var bestIndex = -1
            var j = low
            while j < heard.count && heard[j] <= mapped + tolerance {
                if !used[j] && (bestIndex < 0 || abs(heard[j] - mapped) < abs(heard[bestIndex] - mapped)) { bestIndex = j }
                j += 1
            }
            if bestIndex >= 0 {
                used[bestIndex] = true
                result.append((time, heard[bestIndex], index, bestIndex))
            }
        }
        return result
    }
}
