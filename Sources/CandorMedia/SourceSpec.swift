/// Selects one audio source, as `--interviewer` / `--candidate` spell it (DESIGN.md):
/// `a:N` is the N-th audio stream (0-based, counting audio streams only, as ffmpeg does),
/// `a:N.C` is channel C of it, and anything else is the path of a separate audio file.
public enum SourceSpec: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The N-th audio stream of the main media file, all channels averaged.
    case stream(Int)
    /// One channel of the N-th audio stream.
    case channel(stream: Int, channel: Int)
    /// A separate audio file (all its channels averaged).
    case file(String)

    /// Why a SPEC could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "invalid source '\(text)': expected a:N (audio stream N), a:N.C (channel C of it) or a file path; "
                + "to name a file that starts with 'a:', write ./\(text)"
        }
    }

    /// Parses a SPEC. Strings starting with `a:` must be well formed; any other string is a path.
    public init(parsing text: String) throws(ParseError) {
        guard text.hasPrefix("a:") else {
            guard !text.isEmpty else { throw ParseError(text: text) }
            self = .file(text)
            return
        }
        let body = text.dropFirst(2)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        func number(_ part: Substring) -> Int? {
            guard !part.isEmpty, part.count <= 6, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber) else { return nil }
            return Int(part)
        }
        switch parts.count {
        case 1:
            guard let stream = number(parts[0]) else { throw ParseError(text: text) }
            self = .stream(stream)
        case 2:
            guard let stream = number(parts[0]), let channel = number(parts[1]) else { throw ParseError(text: text) }
            self = .channel(stream: stream, channel: channel)
        default:
            throw ParseError(text: text)
        }
    }

    /// The SPEC as the user would write it.
    public var description: String {
        switch self {
        case .stream(let n): "a:\(n)"
        case .channel(let n, let c): "a:\(n).\(c)"
        case .file(let path): path
        }
    }

    /// The audio-stream ordinal this SPEC names in the main file, or nil for a separate file.
    public var audioStreamOrdinal: Int? {
        switch self {
        case .stream(let n), .channel(let n, _): n
        case .file: nil
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
