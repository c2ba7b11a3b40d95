/// Which audio source plays which part in the interview, and how Candor decided (DESIGN.md, "Roles").
public struct RoleAssignment: Codable, Sendable, Equatable {
    /// How the roles were found.
    public struct Origin: Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        /// From `--interviewer` / `--candidate`.
        public static let options = Origin("options")
        /// From stream titles or handler names containing "interviewer" / "candidate".
        public static let titles = Origin("titles")
        /// One mixed source: speakers are separated by diarization.
        public static let diarized = Origin("diarized")
        /// No audio at all.
        public static let none = Origin("none")
        public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    public var interviewer: SourceSpec?
    public var candidate: SourceSpec?
    /// The single source holding both voices, when roles are diarized.
    public var mixed: SourceSpec?
    public var source: Origin
    /// A sentence for the report: why these roles.
    public var note: String

    public init(interviewer: SourceSpec?, candidate: SourceSpec?, mixed: SourceSpec?, source: Origin, note: String) {
        self.interviewer = interviewer
        self.candidate = candidate
        self.mixed = mixed
        self.source = source
        self.note = note
    }

    /// The sources by role name (`interviewer`, `candidate`, `mixed`), in that order.
    public var namedSources: [(role: String, spec: SourceSpec)] {
        [("interviewer", interviewer), ("candidate", candidate), ("mixed", mixed)].compactMap { name, spec in
            spec.map { (name, $0) }
        }
    }

    /// Every distinct source the roles need decoded.
    public var sources: [SourceSpec] {
        var result: [SourceSpec] = []
        for spec in namedSources.map(\.spec) where !result.contains(spec) {
            result.append(spec)
        }
        return result
    }

    /// Applies DESIGN.md's rules: explicit options first, then stream titles/handler names,
    /// then a single mixed source. Specs naming streams or channels that do not exist are errors.
    public static func resolve(info: MediaInfo, interviewer: SourceSpec? = nil,
                               candidate: SourceSpec? = nil) throws -> RoleAssignment {
        let audio = info.audioStreams
        for spec in [interviewer, candidate].compactMap({ $0 }) {
            try validate(spec, in: info)
        }
        if interviewer != nil || candidate != nil {
            var note = "roles given on the command line"
            if interviewer == nil { note += "; no interviewer source given, so answer latency cannot be measured" }
            if candidate == nil { note += "; no candidate source given, so candidate-side detectors are skipped" }
            if interviewer != nil, interviewer == candidate {
                return RoleAssignment(interviewer: nil, candidate: nil, mixed: interviewer, source: .diarized,
                                      note: "interviewer and candidate name the same source, so it is treated as mixed and diarized")
            }
            return RoleAssignment(interviewer: interviewer, candidate: candidate, mixed: nil, source: .options, note: note)
        }
        guard !audio.isEmpty else {
            return RoleAssignment(interviewer: nil, candidate: nil, mixed: nil, source: .none,
                                  note: "the file has no audio stream")
        }
        func label(_ stream: StreamInfo, _ word: String) -> Bool {
            [stream.title, stream.handler].contains { $0?.lowercased().contains(word) ?? false }
        }
        let interviewerStream = audio.firstIndex { label($0, "interviewer") }
        let candidateStream = audio.firstIndex { label($0, "candidate") && !label($0, "interviewer") }
        switch (interviewerStream, candidateStream) {
        case let (i?, c?) where i != c:
            return RoleAssignment(interviewer: .stream(i), candidate: .stream(c), mixed: nil, source: .titles,
                                  note: "stream titles name the interviewer (a:\(i)) and the candidate (a:\(c))")
        case let (i?, nil) where audio.count == 2:
            let c = 1 - i
            return RoleAssignment(interviewer: .stream(i), candidate: .stream(c), mixed: nil, source: .titles,
                                  note: "stream a:\(i) is titled as the interviewer; the other audio stream, a:\(c), is taken as the candidate")
        case let (nil, c?) where audio.count == 2:
            let i = 1 - c
            return RoleAssignment(interviewer: .stream(i), candidate: .stream(c), mixed: nil, source: .titles,
                                  note: "stream a:\(c) is titled as the candidate; the other audio stream, a:\(i), is taken as the interviewer")
        default:
            break
        }
        let chosen = audio.firstIndex { $0.isDefault } ?? 0
        var note = audio.count == 1
            ? "one audio stream holds both voices; speakers are separated by diarization"
            : "\(audio.count) audio streams but none titled 'interviewer' or 'candidate'; a:\(chosen) is treated as the mixed conversation and diarized (name the roles with --interviewer and --candidate)"
        if audio.count == 1, let channels = audio[0].channels, channels == 2 {
            note += " (if the two stereo channels hold one participant each, pass --interviewer a:0.0 --candidate a:0.1)"
        }
        return RoleAssignment(interviewer: nil, candidate: nil, mixed: .stream(chosen), source: .diarized, note: note)
    }

    /// Throws a ``MediaError`` when `spec` names a stream or channel `info` lacks.
    public static func validate(_ spec: SourceSpec, in info: MediaInfo) throws {
        let audio = info.audioStreams
        switch spec {
        case .file:
            return
        case .stream(let n), .channel(let n, _):
            guard n < audio.count else {
                let have = audio.isEmpty ? "has no audio stream" : "has \(audio.count) audio stream\(audio.count == 1 ? "" : "s") (a:0…a:\(audio.count - 1))"
                throw MediaError(.noSuchSource, path: info.path, message: "source '\(spec)' does not exist: the file \(have)",
                                 remedy: "run `candor probe` to list the streams")
            }
            if case .channel(_, let c) = spec {
                let channels = audio[n].channels ?? 0
                guard c < channels else {
                    throw MediaError(.noSuchSource, path: info.path,
                                     message: "source '\(spec)' does not exist: audio stream a:\(n) has \(channels) channel\(channels == 1 ? "" : "s")",
                                     remedy: "channels count from 0; run `candor probe` to list them")
                }
            }
        }
    }
}
