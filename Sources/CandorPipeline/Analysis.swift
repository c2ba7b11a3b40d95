import CandorDSP
import CandorDetectors
import CandorEvents
import CandorMedia
import CandorReport
import Foundation

/// What to analyse, and how.
public struct AnalysisOptions: Sendable {
    public var media: String
    public var events: String?
    public var interviewer: SourceSpec?
    public var candidate: SourceSpec?
    public var configuration: Configuration
    public var acceptTruncated: Bool
    /// Skip malformed event-log lines (and report how many) instead of refusing the log.
    public var lenientEvents: Bool
    /// The event log's format (`auto` detects it).
    public var eventsFormat: EventLogFormat = .auto
    /// Voiceprints of earlier interviews to compare the candidate with.
    public var references: [String]
    public var toolVersion: String

    public init(media: String, events: String? = nil, interviewer: SourceSpec? = nil, candidate: SourceSpec? = nil,
                configuration: Configuration = .defaults, acceptTruncated: Bool = false, lenientEvents: Bool = false,
                references: [String] = [], toolVersion: String = "dev") {
        self.lenientEvents = lenientEvents
        self.references = references
        self.media = media
        self.events = events
        self.interviewer = interviewer
        self.candidate = candidate
        self.configuration = configuration
        self.acceptTruncated = acceptTruncated
        self.toolVersion = toolVersion
    }
}

/// What one analysis produced: the report, the candidate's voiceprint (nil without enough
/// speech), and the identities the event log declared (for `candor scan`'s links).
public struct AnalysisOutcome: Sendable {
    public var report: Report
    public var voiceprint: Voiceprint?
    public var candidateId: String?
    public var interviewId: String?
    /// `net` identifiers from the event log: (kind, value), kind one of ip, device_id, user_agent, tz.
    public var networkIdentifiers: [(kind: String, value: String)]
}

/// The pipeline (DESIGN.md): one decode pass per file feeding every analyser, the event log
/// parsed once, every detector run, and the results assembled into one ``Report``.
public enum Analysis {
    /// Runs the analysis. `progress` receives the fraction of the media decoded (0…1).
    public static func run(_ options: AnalysisOptions, progress: ((Double) -> Void)? = nil) throws -> Report {
        try analyse(options, progress: progress).report
    }

    /// Runs the analysis and also returns the candidate's voiceprint and the log's identities.
    public static func analyse(_ options: AnalysisOptions, progress: ((Double) -> Void)? = nil) throws -> AnalysisOutcome {
        let configuration = options.configuration
        let references = try options.references.map { path in
            VoiceDetector.Reference(path: path, voiceprint: try Voiceprint.load(path: path))
        }
        // The event log is parsed once, before any decoding, so a bad log fails fast.
        let log = try options.events.map { try EventLogReader.read(path: $0, format: options.eventsFormat, lenient: options.lenientEvents) }
        let info = try Probe.describe(options.media, acceptTruncated: options.acceptTruncated)
        let assignment = try RoleAssignment.resolve(info: info, interviewer: options.interviewer, candidate: options.candidate)
        let sources = assignment.namedSources.map { ($0.role, $0.spec) }
        guard !sources.isEmpty else {
            throw MediaError(.noAudio, path: options.media, message: "has no audio stream",
                             remedy: "Candor needs the interview's sound; export the recording with audio")
        }

        // Decode: one pass over the main file for all of its sources, one per separate file.
        let speechSettings = Analysis.speechSettings(configuration)
        var warnings: [String] = []
        if let log, !log.skipped.isEmpty {
            warnings.append("'\(log.path)': \(log.skipped.count) malformed line(s) skipped (--lenient-events); first: \(log.skipped[0].message) (line \(log.skipped[0].line ?? 0))")
        }
        let duration = info.duration_s ?? 0
        // Speech features at 16 kHz for every source; the candidate's (or the mixed) source
        // also at 48 kHz for keystroke transients — all from the same decode pass.
        let keyboardSource = sources.first { $0.0 == "candidate" } ?? sources.first { $0.0 == "mixed" }
        var readerOptions = ReaderOptions()
        readerOptions.acceptTruncated = options.acceptTruncated
        let decoded = try decode(media: options.media, sources: sources, keyboardSource: keyboardSource?.0,
                                 speechSettings: speechSettings, keystrokeSettings: Analysis.keystrokeSettings(configuration),
                                 readerOptions: readerOptions, duration: duration, progress: progress)
        let features = decoded.features
        warnings += decoded.warnings
        progress?(1)

        // Who spoke when.
        var turns: [SpeakerTurn] = []
        var roles = Report.Roles(interviewer: assignment.interviewer?.description, candidate: assignment.candidate?.description,
                                 mixed: assignment.mixed?.description, source: assignment.source.rawValue, note: assignment.note)
        if let interviewer = features["interviewer"], let candidate = features["candidate"] {
            var turnSettings = TwoSourceTurns.Settings()
            turnSettings.bleedMarginDB = Float(configuration.speech.bleedMarginDB)
            turns = TwoSourceTurns(settings: turnSettings).turns(interviewer: interviewer, candidate: candidate)
        } else if let mixed = features["mixed"] {
            let result = Diarization().diarize(mixed)
            if let guess = Diarization.assignRoles(result.turns) {
                turns = result.turns.map { turn in
                    var renamed = turn
                    renamed.speaker = turn.speaker == guess.interviewer ? "interviewer" : "candidate"
                    return renamed
                }
                roles.assignmentConfidence = guess.confidence
                roles.assignmentBasis = guess.basis
                roles.interviewer = assignment.mixed?.description
                roles.candidate = assignment.mixed?.description
            } else {
                turns = result.turns
            }
        } else {
            for (name, source) in features {
                turns += source.speech.map { SpeakerTurn(speaker: name, start_s: $0.start_s, end_s: $0.end_s) }
            }
        }

        // Detectors. Log times are on the platform's clock: media_time = log_time + clock offset
        // (estimated from keystrokes by the keyboard detector when it can; else 0).
        var results: [DetectorResult] = []
        let keyboardSpeech = features[keyboardSource?.0 ?? ""]?.speech ?? []
        let heard = decoded.keystrokes?.finish() ?? []
        let (keyboard, alignment) = KeyboardDetector(settings: configuration.keyboard)
            .detect(heard: heard, logged: log.map(\.keyDownTimes), speech: keyboardSpeech,
                    pressReleaseSeparation: decoded.keystrokes?.shapeModelSeparation,
                    pressReleaseRefinements: decoded.keystrokes?.shapeModelRefinements ?? 0,
                    pressReleaseSource: decoded.keystrokes?.shapeModelSource?.rawValue,
                    releaseLikePresses: decoded.keystrokes?.releaseLikePresses ?? 0,
                    dwell: decoded.keystrokes?.dwellSeconds,
                    onsetBand: decoded.keystrokes.map { (low: $0.settings.bandLowHz, high: $0.onsetBandTop_Hz, clicksTo: $0.clickBandTop_Hz, aboveClicks: $0.aboveClickBandCount) })
        results.append(keyboard)
        let clock = alignment ?? ClockAlignment(offset_s: 0, source: "session header")
        let questions = (log?.questions ?? []).map { clock.mediaTime($0.start_s)...max(clock.mediaTime($0.start_s), clock.mediaTime($0.end_s)) }
        results.append(LatencyDetector(settings: configuration.latency).detect(turns: turns, questions: questions,
                                                                             rolesFrom: assignment.source.rawValue))

        results.append(TypingDetector(settings: configuration.typing).detect(log: log, mediaTime: clock.mediaTime))

        // Voice: the candidate's own track, or the candidate's diarized turns in the mixed source.
        var voiceprint: Voiceprint?
        let candidateSource = features["candidate"] ?? features["mixed"]
        if let candidateSource {
            let spans = features["candidate"] != nil
                ? candidateSource.speech.map { $0.start_s...$0.end_s }
                : turns.filter { $0.speaker == "candidate" }.map { $0.start_s...$0.end_s }
            let (voice, print) = VoiceDetector(settings: configuration.voice)
                .detect(features: candidateSource, spans: spans, references: references, toolVersion: options.toolVersion,
                        media: options.media)
            results.append(voice)
            voiceprint = print
        } else {
            results.append(.skipped(VoiceDetector.id, "no candidate audio source",
                                    fields: ["change_points_s": .array([]), "segments": .array([])]))
        }

        let mediaDuration = duration > 0 ? duration : features.values.map { $0.time(ofFrame: max(0, $0.frameCount - 1)) }.max() ?? 0
        var timeline = Report.Timeline(turns: turns.map { Report.Timeline.Turn(speaker: $0.speaker, start_s: $0.start_s, end_s: $0.end_s) })
        timeline.keystrokesHeard_s = heard.map(\.time_s)
        timeline.keystrokesLogged_s = (log?.keyDownTimes ?? []).map(clock.mediaTime)
        timeline.questions = questions.map { [$0.lowerBound, $0.upperBound] }
        let report = Report(toolVersion: options.toolVersion,
                      input: Report.Input(media: options.media, events: options.events, duration_s: mediaDuration,
                                          roles: roles, warnings: warnings),
                      detectors: results, timeline: timeline, thresholds: configuration.json)
        return AnalysisOutcome(report: report, voiceprint: voiceprint, candidateId: log?.header.candidateId,
                               interviewId: log?.header.interviewId, networkIdentifiers: log?.networkIdentifiers ?? [])
    }

    /// Decodes the named sources — one pass over `media` for its streams and channels, one per
    /// separate file — into speech features (16 kHz), and the `keyboardSource` also into a
    /// keystroke detector (48 kHz). Returns decoder warnings for the report.
    public static func decode(media: String, sources: [(String, SourceSpec)], keyboardSource: String?,
                              speechSettings: SpeechFeatureSettings, keystrokeSettings: KeystrokeSettings = .init(),
                              readerOptions: ReaderOptions = ReaderOptions(),
                              duration: Double = 0, progress: ((Double) -> Void)? = nil) throws
        -> (features: [String: SpeechFeatures], keystrokes: KeystrokeDetector?, warnings: [String]) {
        var features: [String: SpeechFeatures] = [:]
        var warnings: [String] = []
        struct Job { var path: String; var requests: [AudioRequest]; var roles: [(name: String, keyboard: Bool)] }
        var jobs: [Job] = []
        func add(path: String, spec: SourceSpec, name: String) {
            let index = jobs.firstIndex { $0.path == path } ?? { jobs.append(Job(path: path, requests: [], roles: [])); return jobs.count - 1 }()
            jobs[index].requests.append(AudioRequest(source: spec, sampleRateHz: Int(speechSettings.sampleRateHz)))
            jobs[index].roles.append((name, false))
            if keyboardSource == name {
                jobs[index].requests.append(AudioRequest(source: spec, sampleRateHz: 48000))
                jobs[index].roles.append((name, true))
            }
        }
        for (name, spec) in sources {
            if case .file(let path) = spec { add(path: path, spec: .stream(0), name: name) } else { add(path: media, spec: spec, name: name) }
        }
        var keystrokeDetector: KeystrokeDetector?
        for (jobIndex, job) in jobs.enumerated() {
            let reader = try MediaReader(path: job.path, audio: job.requests, options: readerOptions)
            var extractors: [Int: SpeechFeatureExtractor] = [:]
            for (index, role) in job.roles.enumerated() {
                do {
                    if role.keyboard { keystrokeDetector = try KeystrokeDetector(settings: keystrokeSettings) } else {
                        extractors[index] = try SpeechFeatureExtractor(settings: speechSettings)
                    }
                } catch {
                    throw MediaError(.libraryFailure, path: job.path, message: "analysis setup: \(error)")
                }
            }
            var lastReport = Date.distantPast
            while let chunk = try reader.next() {
                if case .audio(let block) = chunk {
                    if job.roles[block.request].keyboard { keystrokeDetector?.process(block.samples) } else {
                        extractors[block.request]?.process(block.samples)
                    }
                }
                if let progress, duration > 0, Date().timeIntervalSince(lastReport) > 0.2 {
                    lastReport = Date()
                    progress(min(1, (Double(jobIndex) + reader.position_s / duration) / Double(jobs.count)))
                }
            }
            for (index, extractor) in extractors { features[job.roles[index].name] = extractor.finish() }
            let stats = reader.statistics
            if stats.damagedPackets > 0 {
                warnings.append("'\(job.path)': \(stats.damagedPackets) damaged packet(s) skipped while decoding; the timeline was kept")
            }
            if stats.gapsFilled > 0 {
                warnings.append(String(format: "'%@': %d timestamp gap(s) filled with %.1f s of silence", job.path, stats.gapsFilled, stats.silenceInserted_s))
            }
        }
        return (features, keystrokeDetector, warnings)
    }

    /// The key-press detector's settings from the `keyboard` section.
    public static func keystrokeSettings(_ configuration: Configuration) -> KeystrokeSettings {
        var settings = KeystrokeSettings()
        settings.bandLowHz = configuration.keyboard.onsetBandLowHz
        settings.bandHighHz = configuration.keyboard.onsetBandHighHz
        settings.thresholdMADs = configuration.keyboard.onsetThresholdMADs
        settings.faintThresholdMADs = configuration.keyboard.faintOnsetThresholdMADs
        settings.faintTestShare = configuration.keyboard.faintTestShare
        settings.typicalityObservedShare = configuration.keyboard.typicalityObservedShare
        settings.releaseObservedShare = configuration.keyboard.releaseObservedShare
        settings.correctSwappedPairs = configuration.keyboard.correctSwappedPairs
        settings.learningContextSeconds = configuration.keyboard.learningContextSeconds
        settings.shapeModelRefineBelow = configuration.keyboard.shapeModelRefineBelow
        settings.burstSeedGapSeconds = configuration.keyboard.burstSeedGapSeconds
        settings.levelSeed = configuration.keyboard.levelSeed
        settings.relearnDwell = configuration.keyboard.relearnDwell
        settings.confusionBeyondOverlap = configuration.keyboard.confusionBeyondOverlap
        settings.loneReleaseCostAmidTyping = configuration.keyboard.loneReleaseCost
        settings.loneReleaseContextPairs = configuration.keyboard.loneReleaseContextPairs
        settings.lonePressEvidenceBar = configuration.keyboard.lonePressReleaseEvidence
        settings.releaseLikeJointShare = configuration.keyboard.releaseLikeJointShare
        settings.faintPressTests = KeyboardDetector.lonePressTests(configuration.keyboard, typicality: configuration.keyboard.faintPressTypicality)
        if !configuration.keyboard.adaptiveOnsetBand { settings.narrowerBandTopsHz = [] }
        let margin = configuration.keyboard.aboveClickBandMarginDB
        settings.aboveClickBandMarginDB = margin > 0 ? margin : nil
        return settings
    }

    public static func speechSettings(_ configuration: Configuration) -> SpeechFeatureSettings {
        var settings = SpeechFeatureSettings()
        settings.activity.onsetMarginDB = Float(configuration.speech.onsetMarginDB)
        settings.activity.offsetMarginDB = Float(configuration.speech.offsetMarginDB)
        settings.activity.absoluteMinimumDBFS = Float(configuration.speech.absoluteMinimumDBFS)
        settings.activity.gateDBFS = Float(configuration.speech.gateDBFS)
        settings.activity.minimumSpeechSeconds = configuration.speech.minimumSpeechSeconds
        settings.activity.minimumSilenceSeconds = configuration.speech.minimumSilenceSeconds
        return settings
    }
}
