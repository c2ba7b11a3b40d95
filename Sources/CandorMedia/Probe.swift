/// Reads a media file's container and stream description without decoding it.
public enum Probe {
    /// Describes `path`: container, duration and every stream.
    public static func describe(_ path: String, limits: MediaLimits = .default) throws -> MediaInfo {
        try FormatContext(path: path, limits: limits).info()
    }
}
