extension RandomAccessCollection {
    /// The first index whose element does not satisfy `belongsBefore`, in a collection ordered
    /// so that every element satisfying it comes first (binary search).
    package func partitionIndex(where belongsBefore: (Element) -> Bool) -> Index {
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
