import CandorDSP

extension RandomAccessCollection {
    /// The first index whose element does not satisfy `belongsBefore`, in a collection ordered
    /// so that every element satisfying it comes first (binary search).
    func partitionIndex(where belongsBefore: (Element) -> Bool) -> Index {
        var low = startIndex, count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongsBefore(self[middle]) {
                low = index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}

extension Array where Element == SpeechSegment {
    /// Whether `time` lies within `margin` seconds of one of these segments (in time order, not
    /// overlapping, as speech activity gives them).
    func covers(_ time: Double, margin: Double) -> Bool {
        // The last segment starting (less the margin) at or before `time` is the only candidate:
        // earlier ones end earlier.
        let after = partitionIndex { $0.start_s - margin <= time }
        return after > startIndex && self[after - 1].end_s + margin >= time
    }
}
