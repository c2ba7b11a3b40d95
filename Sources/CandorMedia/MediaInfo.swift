/// What `candor probe` reports about a media file: the container and every stream.
public struct MediaInfo: Codable, Sendable, Equatable {
    /// The path as given.
    public var path: String
    /// FFmpeg's demuxer name, e.g. `matroska,webm` or `mov,mp4,m4a,3gp,3g2,mj2`.
    public var container: String
    /// The demuxer's descriptive name.
    public var containerLongName: String?
    /// Container duration in seconds, when declared.
    public var duration_s: Double?
    /// Container start time in seconds; Candor's media timeline starts here (time 0).
    public var start_s: Double
    /// Overall bit rate in bits per second, when known.
    public var bitRate: Int?
    /// Container-level metadata (title, encoder, …), keys lower-cased.
    public var tags: [String: String]
    public var streams: [StreamInfo]

    public init(path: String, container: String, containerLongName: String?, duration_s: Double?,
                start_s: Double, bitRate: Int?, tags: [String: String], streams: [StreamInfo]) {
        self.path = path
        self.container = container
        self.containerLongName = containerLongName
        self.duration_s = duration_s
        self.start_s = start_s
        self.bitRate = bitRate
        self.tags = tags
        self.streams = streams
    }

    /// Audio streams in the order `a:N` counts them.
    public var audioStreams: [StreamInfo] { streams.filter { $0.kind == .audio } }
    /// Video streams, excluding attached pictures (cover art).
    public var videoStreams: [StreamInfo] { streams.filter { $0.kind == .video && !$0.attachedPicture } }

    enum CodingKeys: String, CodingKey {
        case path, container, streams, tags
        case containerLongName = "container_long_name"
        case duration_s, start_s
        case bitRate = "bit_rate"
    }
}

/// One stream of a container.
public struct StreamInfo: Codable, Sendable, Equatable {
    /// What a stream carries.
    public struct Kind: Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public static let audio = Kind("audio")
        public static let video = Kind("video")
        public static let subtitle = Kind("subtitle")
        public static let data = Kind("data")
        public static let attachment = Kind("attachment")
        public static let unknown = Kind("unknown")
        public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// Index in the container (what ffprobe calls `index`).
    public var index: Int
    public var kind: Kind
    /// The SPEC that selects it (`a:N`) for audio streams, `v:N` for video.
    public var spec: String?
    /// Codec short name (`aac`, `opus`, `h264`), or `none` when FFmpeg does not know it.
    public var codec: String
    public var codecLongName: String?
    public var profile: String?
    public var sampleRateHz: Int?
    public var channels: Int?
    public var channelLayout: String?
    public var sampleFormat: String?
    public var width: Int?
    public var height: Int?
    public var framesPerSecond: Double?
    /// Stream start in seconds relative to the container start (Candor's time 0).
    public var start_s: Double
    public var duration_s: Double?
    public var bitRate: Int?
    /// `title` metadata (OBS and Zoom put participant or track names here).
    public var title: String?
    /// `handler_name` metadata (mp4 track handler).
    public var handler: String?
    public var language: String?
    /// Marked as the default stream of its kind.
    public var isDefault: Bool
    /// A still image attached as cover art, not real video.
    public var attachedPicture: Bool
    /// Whether FFmpeg has a decoder for this codec.
    public var decodable: Bool

    public init(index: Int, kind: Kind, spec: String? = nil, codec: String, codecLongName: String? = nil,
                profile: String? = nil, sampleRateHz: Int? = nil, channels: Int? = nil,
                channelLayout: String? = nil, sampleFormat: String? = nil, width: Int? = nil,
                height: Int? = nil, framesPerSecond: Double? = nil, start_s: Double = 0,
                duration_s: Double? = nil, bitRate: Int? = nil, title: String? = nil,
                handler: String? = nil, language: String? = nil, isDefault: Bool = false,
                attachedPicture: Bool = false, decodable: Bool = true) {
        self.index = index
        self.kind = kind
        self.spec = spec
        self.codec = codec
        self.codecLongName = codecLongName
        self.profile = profile
        self.sampleRateHz = sampleRateHz
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFormat = sampleFormat
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.start_s = start_s
        self.duration_s = duration_s
        self.bitRate = bitRate
        self.title = title
        self.handler = handler
        self.language = language
        self.isDefault = isDefault
        self.attachedPicture = attachedPicture
        self.decodable = decodable
    }

    enum CodingKeys: String, CodingKey {
        case index, kind, spec, codec, profile, channels, width, height, title, handler, language, decodable
        case codecLongName = "codec_long_name"
        case sampleRateHz = "sample_rate_hz"
        case channelLayout = "channel_layout"
        case sampleFormat = "sample_format"
        case framesPerSecond = "frames_per_second"
        case start_s, duration_s
        case bitRate = "bit_rate"
        case isDefault = "default"
        case attachedPicture = "attached_picture"
    }
}
