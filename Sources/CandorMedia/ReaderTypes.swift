/// One audio output a ``MediaReader`` should produce: a source of the file at a sample rate.
/// Ask for the same source twice at two rates when detectors need both (speech at 16 kHz,
/// keyboard transients at 48 kHz); both come from the same decode pass.
public struct AudioRequest: Hashable, Sendable {
    /// `a:N` or `a:N.C`. (Separate files are read by their own reader, as `a:0`.)
    public var source: SourceSpec
    /// Output sample rate in Hz (mono, 32-bit float).
    public var sampleRateHz: Int

    public init(source: SourceSpec, sampleRateHz: Int) {
        self.source = source
        self.sampleRateHz = sampleRateHz
    }
}

/// A run of mono samples of one request, placed on the media timeline.
public struct AudioBlock: Sendable {
    /// Index into the reader's `audio` requests.
    public var request: Int
    public var sampleRateHz: Int
    /// Timeline position of the first sample, counted in samples at `sampleRateHz` from time 0.
    public var startSample: Int64
    public var samples: [Float]

    /// Media time of the first sample, in seconds.
    public var start_s: Double { Double(startSample) / Double(sampleRateHz) }
    /// Media time just after the last sample, in seconds.
    public var end_s: Double { Double(startSample + Int64(samples.count)) / Double(sampleRateHz) }
}

/// How much of a video stream to decode. Candor needs only small grayscale frames at a low rate.
public struct VideoRequest: Hashable, Sendable {
    /// Which frames the decoder may skip outright (FFmpeg's `skip_frame`).
    public enum Skip: String, Hashable, Sendable, CaseIterable {
        /// Decode every frame.
        case none
        /// Skip frames no other frame refers to (B-frames): cheaper, with no loss at a low output rate.
        case nonReference = "nonref"
        /// Decode key frames only: cheapest; frames arrive at the key-frame interval.
        case nonKey = "nonkey"
    }

    /// `v:N` ordinal; nil picks FFmpeg's best video stream.
    public var stream: Int?
    /// Frames per second delivered (default 2).
    public var framesPerSecond: Double
    public var width: Int
    public var height: Int
    public var skip: Skip
    /// Decoder threads (0 lets FFmpeg choose).
    public var threads: Int

    public init(stream: Int? = nil, framesPerSecond: Double = 2, width: Int = 160, height: Int = 90,
                skip: Skip = .nonReference, threads: Int = 1) {
        self.stream = stream
        self.framesPerSecond = framesPerSecond
        self.width = width
        self.height = height
        self.skip = skip
        self.threads = threads
    }
}

/// One small 8-bit grayscale video frame.
public struct VideoFrame: Sendable {
    /// Media time of the frame in seconds.
    public var time_s: Double
    public var width: Int
    public var height: Int
    /// Row-major luma, `width * height` bytes.
    public var pixels: [UInt8]
}

/// What a ``MediaReader`` delivers next.
public enum MediaChunk: Sendable {
    case audio(AudioBlock)
    case video(VideoFrame)
}

/// Settings of a ``MediaReader`` beyond what it decodes.
public struct ReaderOptions: Sendable, Equatable {
    /// Length of delivered audio blocks, in seconds (default 0.5).
    public var blockSeconds: Double = 0.5
    /// Timestamp gaps or overlaps larger than this are filled with silence or trimmed, so
    /// later audio stays at its true media time (default 0.02 s, one Opus frame).
    public var gapToleranceSeconds: Double = 0.02
    /// Deliver what a cut-short file holds instead of failing at its end.
    public var acceptTruncated: Bool = false
    /// Use libsndfile for plain WAV/FLAC files (default true).
    public var preferSndfile: Bool = true
    public var limits: MediaLimits = .default

    public init() {}
}

/// Counts of what happened while decoding: the evidence that the timeline is true.
public struct DecodeStatistics: Sendable, Equatable, Codable {
    /// Packets read from the container for the decoded streams.
    public var packets: Int = 0
    /// Packets the decoder rejected or flagged as corrupt; decoding continued past them.
    public var damagedPackets: Int = 0
    /// Timestamp gaps filled with silence (stream start offsets excluded).
    public var gapsFilled: Int = 0
    /// Total silence inserted for gaps and late stream starts, in seconds.
    public var silenceInserted_s: Double = 0
    /// Overlapping audio trimmed, in seconds.
    public var overlapTrimmed_s: Double = 0
    /// Video frames delivered.
    public var videoFrames: Int = 0
    /// Which backend read the audio: `ffmpeg` or `libsndfile`.
    public var backend: String = "ffmpeg"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case packets, backend
        case damagedPackets = "damaged_packets"
        case gapsFilled = "gaps_filled"
        case silenceInserted_s = "silence_inserted_s"
        case overlapTrimmed_s = "overlap_trimmed_s"
        case videoFrames = "video_frames"
    }
}
