import ArgumentParser
import CandorMedia
import Foundation

/// `candor extract MEDIA`: decode the role sources in one pass, summarise them, and
/// optionally write each as a WAV/FLAC file. Useful to check what analyze will hear.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Decode the interview's audio sources in one pass; summarise them or write them as WAV/FLAC.",
        discussion: """
            Without --source, decodes the sources the roles would use (see `candor probe`). \
            Each source is down-mixed to mono as the plain average of its channels (a:N.C picks \
            one channel) and resampled to --rate.
            """)

    @Argument(help: ArgumentHelp("The recording.", valueName: "MEDIA"))
    var media: String

    @OptionGroup var roles: RoleOptions

    @Option(name: .customLong("source"),
            help: ArgumentHelp("A source to decode (a:N, a:N.C or a file); repeatable. Overrides the roles.", valueName: "SPEC"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Output sample rate in Hz.", valueName: "HZ"))
    var rate: Int = 16000

    @Option(name: .customLong("out-dir"),
            help: ArgumentHelp("Write each source to this folder as NAME.wav (or .flac with --flac).", valueName: "DIR"))
    var outDir: String?

    @Flag(help: "Write FLAC (16-bit) instead of 32-bit float WAV.")
    var flac = false

    @Flag(name: .customLong("accept-truncated"), help: "Decode what a cut-short file holds instead of failing.")
    var acceptTruncated = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard (1000...384_000).contains(rate) else {
            throw ValidationError("--rate \(rate) is out of range: give a sample rate between 1000 and 384000 Hz")
        }
        for text in sources {
            do { _ = try SourceSpec(parsing: text) } catch { throw ValidationError(error.description) }
        }
        if let outDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: outDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--out-dir '\(outDir)' is not an existing folder")
            }
        }
    }

    func run() throws {
        let info = try Probe.describe(media, acceptTruncated: acceptTruncated)
        var named: [(name: String, spec: SourceSpec)] = []
        if sources.isEmpty {
            let assignment = try RoleAssignment.resolve(info: info, interviewer: roles.interviewerSpec,
                                                        candidate: roles.candidateSpec)
            named += assignment.namedSources.map { ($0.role, $0.spec) }
        } else {
            for text in sources {
                let spec = try SourceSpec(parsing: text)
                named.append((spec.description.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: ""), spec))
            }
        }
        guard !named.isEmpty else {
            throw MediaError(.noAudio, path: media, message: "has no audio stream", remedy: "Candor needs the interview's sound")
        }
        var options = ReaderOptions()
        options.acceptTruncated = acceptTruncated
        var summaries: [SourceSummary] = []
        var statistics: [String: DecodeStatistics] = [:]

        // One pass over the main file for every stream/channel source, one per separate file.
        let inFile = named.filter { $0.spec.audioStreamOrdinal != nil }
        var jobs: [(path: String, entries: [(name: String, spec: SourceSpec)], requests: [AudioRequest])] = []
        if !inFile.isEmpty {
            jobs.append((media, inFile, inFile.map { AudioRequest(source: $0.spec, sampleRateHz: rate) }))
        }
        for entry in named {
            if case .file(let path) = entry.spec {
                jobs.append((path, [entry], [AudioRequest(source: .stream(0), sampleRateHz: rate)]))
            }
        }
        for job in jobs {
            let reader = try MediaReader(path: job.path, audio: job.requests, options: options)
            var meters = job.entries.map { SourceMeter(name: $0.name, spec: $0.spec.description) }
            var writers: [SoundFileWriter?] = []
            if let outDir {
                writers = try job.entries.map { entry in
                    let path = URL(fileURLWithPath: outDir).appendingPathComponent("\(entry.name).\(flac ? "flac" : "wav")").path
                    return try SoundFileWriter(path: path, sampleRateHz: rate, format: flac ? .flac : .wavFloat)
                }
            }
            while let chunk = try reader.next() {
                guard case .audio(let block) = chunk else { continue }
                meters[block.request].add(block)
                if !writers.isEmpty { try writers[block.request]?.write(block.samples) }
            }
            for writer in writers { try writer?.finish() }
            for (index, meter) in meters.enumerated() {
                summaries.append(meter.summary(rate: rate, written: writers.isEmpty ? nil : writers[index]?.path))
            }
            statistics[job.path] = reader.statistics
            if reader.statistics.damagedPackets > 0 {
                CLIOutput.warning("'\(job.path)': \(reader.statistics.damagedPackets) damaged packet(s) skipped; the timeline was kept")
            }
        }
        if json {
            CLIOutput.print(try CLIOutput.json(ExtractReport(media: media, sampleRateHz: rate, sources: summaries,
                                                             statistics: statistics)))
        } else {
            print("\(media): \(summaries.count) source(s) at \(rate) Hz")
            for summary in summaries {
                var line = "  " + summary.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + " " + summary.spec.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: " %10lld samples  %9.3f s  rms %6.1f dBFS  peak %6.1f dBFS",
                             summary.samples, summary.duration_s, summary.rmsDBFS, summary.peakDBFS)
                if let written = summary.written { line += "  -> \(written)" }
                print(line)
            }
            for (path, stats) in statistics.sorted(by: { $0.key < $1.key }) {
                print(String(format: "  %@: %d packets (%@), %d damaged, %d gap(s) filled, %.3f s silence inserted, %.3f s overlap trimmed",
                             path as NSString, stats.packets, stats.backend as NSString, stats.damagedPackets,
                             stats.gapsFilled, stats.silenceInserted_s, stats.overlapTrimmed_s))
            }
        }
    }
}

/// Running level measurement of one decoded source.
struct SourceMeter {
    let name: String
    let spec: String
    var samples: Int64 = 0
    var sumSquares: Double = 0
    var peak: Float = 0
    var firstStart: Int64?

    init(name: String, spec: String) {
        self.name = name
        self.spec = spec
    }

    mutating func add(_ block: AudioBlock) {
        if firstStart == nil { firstStart = block.startSample }
        samples += Int64(block.samples.count)
        for sample in block.samples {
            sumSquares += Double(sample * sample)
            peak = max(peak, abs(sample))
        }
    }

    func summary(rate: Int, written: String?) -> SourceSummary {
        let rms = samples > 0 ? (sumSquares / Double(samples)).squareRoot() : 0
        func dB(_ value: Double) -> Double { value > 0 ? max(-150, 20 * log10(value)) : -150 }
        return SourceSummary(name: name, spec: spec, samples: samples, duration_s: Double(samples) / Double(rate),
                             rmsDBFS: (dB(rms) * 10).rounded() / 10, peakDBFS: (dB(Double(peak)) * 10).rounded() / 10,
                             written: written)
    }
}

struct SourceSummary: Encodable {
    var name: String
    var spec: String
    var samples: Int64
    var duration_s: Double
    var rmsDBFS: Double
    var peakDBFS: Double
    var written: String?

    enum CodingKeys: String, CodingKey {
        case name, spec, samples, duration_s, written
        case rmsDBFS = "rms_dbfs"
        case peakDBFS = "peak_dbfs"
    }
}

struct ExtractReport: Encodable {
    var schema = "candor.extract/1"
    var media: String
    var sampleRateHz: Int
    var sources: [SourceSummary]
    var statistics: [String: DecodeStatistics]

    enum CodingKeys: String, CodingKey {
        case schema, media, sources, statistics
        case sampleRateHz = "sample_rate_hz"
    }
}
