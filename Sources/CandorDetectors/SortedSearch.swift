import CandorDSP

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
