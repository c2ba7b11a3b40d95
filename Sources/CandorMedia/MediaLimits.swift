/// Guard rails against hostile or absurd files. A file outside them is refused with a
/// ``MediaError/Code/limitExceeded`` error that names the limit, never decoded for hours.
public struct MediaLimits: Sendable, Equatable {
    /// Longest declared duration accepted (default 48 hours).
    public var maxDurationSeconds: Double = 48 * 3600
    /// Most streams a container may hold (default 64; OBS writes at most 6 audio tracks).
    public var maxStreams: Int = 64
    /// Most channels in one audio stream (default 64).
    public var maxChannels: Int = 64
    /// Highest audio sample rate accepted (default 768 kHz).
    public var maxSampleRateHz: Int = 768_000
    /// Largest video frame accepted, in pixels (default 8K UHD).
    public var maxVideoPixels: Int = 7680 * 4320

    public init() {}
    public static let `default` = MediaLimits()
}
