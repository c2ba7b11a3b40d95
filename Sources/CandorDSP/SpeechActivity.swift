import Foundation

/// A stretch of speech on the media timeline.
public struct SpeechSegment: Sendable, Equatable, Codable {
    public var start_s: Double
    public var end_s: Double
    public init(start_s: Double, end_s: Double) {
        self.start_s = start_s
        self.end_s = end_s
    }
    public var duration_s: Double { end_s - start_s }
}

/// Settings of ``SpeechActivity``.
public struct SpeechActivitySettings: Sendable, Equatable, Codable {
    /// Speech starts this far above the tracked noise floor, in dB (default 10).
    public var onsetMarginDB: Float = 10
    /// …and continues while this far above it (default 6).
    public var offsetMarginDB: Float = 6
    /// Never speech below this level, in dBFS (speech-band RMS; default −60), so digital
    /// silence from noise suppression does not make the faintest hiss "speech".
    public var absoluteMinimumDBFS: Float = -60
    /// The noise floor is the minimum smoothed level over this many seconds (default 4).
    public var floorWindowSeconds: Double = 4
    /// Shorter speech bursts are dropped (default 0.2 s).
    public var minimumSpeechSeconds: Double = 0.2
    /// Shorter pauses are bridged (default 0.3 s).
    public var minimumSilenceSeconds: Double = 0.3
    public init() {}
}

/// Speech activity detection on a stream of per-frame levels: adaptive to the noise floor
/// (tracked as a sliding minimum, so it follows studio quiet, fan noise, and gated digital
/// silence), with onset/offset hysteresis and minimum speech and silence durations.
///
/// Streaming: feed one level per frame with ``process(levelDBFS:)``; closed segments
/// accumulate in ``segments``; ``finish()`` closes the last one.
public struct SpeechActivity: Sendable {
    public let settings: SpeechActivitySettings
    /// Frames per second of the level stream.
    public let framesPerSecond: Double
    /// Time of frame 0's centre, in seconds.
    public let firstFrame_s: Double

    public private(set) var segments: [SpeechSegment] = []
    /// Per-frame raw decision (before duration smoothing), for callers that need frames.
    public private(set) var frameCount = 0

    private var smoothing: [Float] = []
    private var smoothingIndex = 0
    private var blockMinima: [Float] = []
    private var blockMinimum: Float = .infinity
    private var blockFill = 0
    private let blockFrames: Int
    private let blocksInWindow: Int
    private var inSpeech = false
    private var openStart: Int?
    private var lastSpeechFrame = -1
    private var pending: SpeechSegment?

    public init(framesPerSecond: Double, firstFrame_s: Double = 0, settings: SpeechActivitySettings = .init()) {
        self.settings = settings
        self.framesPerSecond = framesPerSecond
        self.firstFrame_s = firstFrame_s
        smoothing = [Float](repeating: -120, count: max(1, Int(0.05 * framesPerSecond)))
        blockFrames = max(1, Int(0.25 * framesPerSecond))
        blocksInWindow = max(1, Int(settings.floorWindowSeconds / 0.25))
    }

    /// The current noise-floor estimate in dBFS.
    public var floorDBFS: Float {
        min(blockMinima.min() ?? blockMinimum, blockMinimum)
    }

    /// Adds one frame's speech-band level (dBFS); returns whether the frame is speech.
    @discardableResult
    public mutating func process(levelDBFS: Float) -> Bool {
        let level = levelDBFS.isFinite ? max(levelDBFS, -120) : -120
        // 50 ms moving average (in dB) for the floor tracker.
        smoothing[smoothingIndex] = level
        smoothingIndex = (smoothingIndex + 1) % smoothing.count
        let smoothed = smoothing.reduce(0, +) / Float(smoothing.count)
        blockMinimum = min(blockMinimum, smoothed)
        blockFill += 1
        if blockFill == blockFrames {
            blockMinima.append(blockMinimum)
            if blockMinima.count > blocksInWindow { blockMinima.removeFirst() }
            blockMinimum = .infinity
            blockFill = 0
        }
        let floor = floorDBFS
        let frame = frameCount
        frameCount += 1
        if inSpeech {
            inSpeech = level > floor + settings.offsetMarginDB && level > settings.absoluteMinimumDBFS - 3
        } else {
            inSpeech = level > floor + settings.onsetMarginDB && level > settings.absoluteMinimumDBFS
        }
        if inSpeech {
            if openStart == nil { openStart = frame }
            lastSpeechFrame = frame
        } else if let start = openStart {
            close(start: start, end: lastSpeechFrame)
            openStart = nil
        }
        return inSpeech
    }

    /// Closes the open segment at the end of the stream.
    public mutating func finish() {
        if let start = openStart { close(start: start, end: lastSpeechFrame) }
        openStart = nil
        if let last = pending, last.duration_s >= settings.minimumSpeechSeconds { segments.append(last) }
        pending = nil
    }

    private func time(_ frame: Int) -> Double { firstFrame_s + Double(frame) / framesPerSecond }

    private mutating func close(start: Int, end: Int) {
        let halfFrame = 0.5 / framesPerSecond
        let segment = SpeechSegment(start_s: time(start) - halfFrame, end_s: time(end) + halfFrame)
        if var previous = pending {
            if segment.start_s - previous.end_s < settings.minimumSilenceSeconds {
                previous.end_s = segment.end_s
                pending = previous
                return
            }
            if previous.duration_s >= settings.minimumSpeechSeconds { segments.append(previous) }
        }
        pending = segment
    }
}
