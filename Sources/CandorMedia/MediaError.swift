import Foundation

/// An error from reading or decoding media: what failed, on which file, why, and what to do.
///
/// Modelled on swift-nio's `FileSystemError`: a stable code, a message written for people,
/// the remedy, and — when a C call failed — the call and FFmpeg's own message.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is. A struct with named constants, not a closed enum,
    /// so new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The path does not exist.
        public static let notFound = Code("not-found")
        /// The path is a directory, not a file.
        public static let isDirectory = Code("is-directory")
        /// The file exists but cannot be read (permissions).
        public static let permissionDenied = Code("permission-denied")
        /// The file is empty.
        public static let emptyFile = Code("empty-file")
        /// No demuxer recognises the content.
        public static let unrecognizedFormat = Code("unrecognized-format")
        /// The container is recognised but damaged or cut short.
        public static let damaged = Code("damaged")
        /// The file has no audio stream (or not the one asked for).
        public static let noAudio = Code("no-audio")
        /// A SPEC names a stream or channel that does not exist.
        public static let noSuchSource = Code("no-such-source")
        /// The file declares something outside Candor's guard rails.
        public static let limitExceeded = Code("limit-exceeded")
        /// A codec is present but FFmpeg has no decoder for it.
        public static let unsupportedCodec = Code("unsupported-codec")
        /// An FFmpeg or libsndfile call failed in a way not covered above.
        public static let libraryFailure = Code("library-failure")
        /// Writing an output file failed.
        public static let writeFailed = Code("write-failed")
    }

    public var code: Code
    /// The file concerned, as the user named it.
    public var path: String
    /// What went wrong, in a sentence without the file name (the description adds it).
    public var message: String
    /// What the user can do about it.
    public var remedy: String?
    /// The C call that failed, if any (e.g. `avformat_open_input`).
    public var call: String?
    /// The library's own error code, if any.
    public var libraryCode: Int32?

    public init(_ code: Code, path: String, message: String, remedy: String? = nil,
                call: String? = nil, libraryCode: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.remedy = remedy
        self.call = call
        self.libraryCode = libraryCode
    }

    /// One line: `'x.mp4': <message> (<call>) — <remedy>`.
    public var description: String {
        var text = "'\(path)': \(message)"
        if let call { text += " (\(call))" }
        if let remedy { text += "; \(remedy)" }
        return text
    }
}
