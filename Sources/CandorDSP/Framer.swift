/// Cuts a stream of sample blocks into overlapping frames of `frameSamples` every
/// `hopSamples`, carrying the overlap across blocks. No centre padding: frame `i` covers
/// samples `[i * hop, i * hop + frameSamples)` of the stream. The one place that handles
/// hop/overlap carry-over; analysers receive whole frames.
public struct Framer: Sendable {
    public let frameSamples: Int
    public let hopSamples: Int
    private var buffer: [Float] = []
    /// Stream index of `buffer[0]`.
    private var bufferStart: Int64 = 0
    /// Index of the next frame to emit.
    public private(set) var nextFrameIndex: Int64 = 0

    public struct ParameterError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(frameSamples: Int, hopSamples: Int) throws(ParameterError) {
        guard frameSamples > 0 else { throw ParameterError(description: "frameSamples \(frameSamples) must be positive") }
        guard hopSamples > 0 else { throw ParameterError(description: "hopSamples \(hopSamples) must be positive") }
        self.frameSamples = frameSamples
        self.hopSamples = hopSamples
        buffer.reserveCapacity(frameSamples * 4)
    }

    /// Adds `samples` and calls `body(frameIndex, frame)` for every frame now complete.
    public mutating func process(_ samples: [Float], _ body: (Int64, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        try process(samples[...], body)
    }

    public mutating func process(_ samples: ArraySlice<Float>, _ body: (Int64, UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        buffer.append(contentsOf: samples)
        var consumed = 0
        while true {
            let start = Int(nextFrameIndex * Int64(hopSamples) - bufferStart)
            guard start + frameSamples <= buffer.count else { break }
            try buffer.withUnsafeBufferPointer { all in
                try body(nextFrameIndex, UnsafeBufferPointer(rebasing: all[start..<(start + frameSamples)]))
            }
            nextFrameIndex += 1
            consumed = start + hopSamples
        }
        // Drop what no future frame needs.
        let keepFrom = min(consumed, buffer.count)
        if keepFrom > 0 {
            buffer.removeFirst(keepFrom)
            bufferStart += Int64(keepFrom)
        }
    }

    /// Forgets all buffered samples and starts again at frame 0.
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
        nextFrameIndex = 0
    }
}

