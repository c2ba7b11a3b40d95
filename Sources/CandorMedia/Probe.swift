/// Reads a media file's container and stream description without decoding it.
public enum Probe {
    /// Describes `path`: container, duration and every stream. A file whose index points past
    /// its end is refused as cut short unless `acceptTruncated` is set.
    public static func describe(_ path: String, limits: MediaLimits = .default,
                                acceptTruncated: Bool = false) throws -> MediaInfo {
        try FormatContext(path: path, limits: limits, acceptTruncated: acceptTruncated).info()
    }
}
