import CandorMedia
import CandorReport
import Foundation

/// How to scan.
public struct ScanOptions: Sendable {
    /// Worker processes at once.
    public var jobs: Int
    /// Keep finished rows whose files and settings are unchanged (`--resume`).
    public var resume: Bool
    /// With `resume`, analyse failed and timed-out recordings again.
    public var retryFailed: Bool
    /// Wall-clock limit per recording; the worker is stopped after it.
    public var timeout_s: Double
    /// The configuration handed to every worker (nil: the defaults).
    public var configuration: Configuration?
    /// Analyse what truncated files hold instead of failing them.
    public var acceptTruncated = false
    /// Address-space limit per worker in MB (nil: none).
    public var memoryLimitMB: Int? = 4096
    /// Identifies the tool version and effective configuration (see ``ScanOptions/settingsKey(toolVersion:configuration:)``).
    public var settingsKey: String
    /// The `candor` executable to start workers with (`candor scan worker REQUEST RESULT`).
    public var workerExecutable: String

    public init(jobs: Int = 1, resume: Bool = false, retryFailed: Bool = false, timeout_s: Double = 900, configuration: Configuration? = nil,
                settingsKey: String, workerExecutable: String) {
        self.jobs = max(1, jobs)
        self.resume = resume
        self.retryFailed = retryFailed
        self.timeout_s = timeout_s
        self.configuration = configuration
        self.settingsKey = settingsKey
        self.workerExecutable = workerExecutable
    }

    /// Rows analysed by another tool version or configuration are analysed again on resume.
    public static func settingsKey(toolVersion: String, configuration: Configuration, acceptTruncated: Bool = false) -> String {
        let text = toolVersion + "\n" + configuration.json.canonical(pretty: false, decimals: 9)
            + (acceptTruncated ? "\naccept-truncated" : "")
        return toolVersion + "+" + String(ContentHash.sha256(data: Data(text.utf8)).prefix(16))
    }
}

/// What became of one recording a worker was started for. (Recordings kept from an earlier
/// run without a worker are only counted, in ``ScanProgress/kept``.)
public enum ScanOutcome: String, Sendable {
    case analysed, unchanged, failed, timedOut = "timed_out"
}

/// Progress as the scan goes (delivered on one thread at a time).
public struct ScanProgress: Sendable {
    public var total = 0
    /// Recordings kept from an earlier run without starting a worker.
    public var kept = 0
    public var analysed = 0
    public var unchanged = 0
    public var failed = 0
    public var timedOut = 0
    public var flagged = 0
    public var running = 0
    public var bytesTotal: Int64 = 0
    public var bytesDone: Int64 = 0
    public var started = Date()

    public var finished: Int { kept + analysed + unchanged + failed + timedOut }
    /// Seconds left, from the bytes still to analyse at the rate so far (nil before the first result).
    public var secondsLeft: Double? {
        let elapsed = Date().timeIntervalSince(started)
        guard bytesDone > 0, elapsed > 0 else { return nil }
        return Double(bytesTotal - bytesDone) * elapsed / Double(bytesDone)
    }
}

public enum ScanEvent: Sendable {
    case started(ScanItem)
    case finished(ScanItem, ScanOutcome, message: String?, seconds: Double)
}

/// Runs a scan: decides per recording whether it needs analysing, runs the workers (`jobs` at a
/// time, each in its own process with a time limit) and writes each result to the store as it
/// arrives, in one transaction.
public final class Scanner: @unchecked Sendable {
    public let store: ScanStore
    public let options: ScanOptions
    private let lock = NSLock()
    private var progress = ScanProgress()
    // Shared by the worker threads, under `lock`.
    private var pending: [Job] = []
    private var nextJob = 0
    private var storeError: Error?
    private let workFolder: URL

    public init(store: ScanStore, options: ScanOptions) {
        self.store = store
        self.options = options
        workFolder = FileManager.default.temporaryDirectory
            .appendingPathComponent("candor-scan-\(getpid())-\(UUID().uuidString.prefix(8))")
    }

    /// Removes the work folders (`candor-scan-<pid>-<id>`) of scans whose process is gone: a scan
    /// killed outright (SIGKILL, a power cut) cannot remove its own. A folder whose process is
    /// still alive — or whose number a new process has taken — is left alone.
    static func removeAbandonedWorkFolders(in parent: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names where name.hasPrefix("candor-scan-") {
            let fields = name.dropFirst("candor-scan-".count).split(separator: "-")
            guard fields.count == 2, let pid = pid_t(fields[0]), pid > 0, pid != getpid(),
                  kill(pid, 0) == -1, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    private struct Job {
        var item: ScanItem
        var mediaStamp: FileStamp
        var eventsStamp: FileStamp?
        var previous: RecordingRow?
        /// Ask the worker to compare hashes first (files touched, settings the same).
        var checkHashes: Bool
    }

    /// Scans `items`; `report` sees every start and finish, serialised. Returns the final counts.
    @discardableResult
    public func run(_ items: [ScanItem], report: @escaping @Sendable (ScanEvent, ScanProgress) -> Void = { _, _ in }) throws -> ScanProgress {
        var jobs: [Job] = []
        progress = ScanProgress()
        progress.total = items.count
        for item in items {
            let mediaStamp = FileStamp.of(item.media) ?? FileStamp(size: 0, modified: 0)
            let eventsStamp = item.events.flatMap(FileStamp.of)
            let previous = try store.recording(path: item.media)
            if options.resume, let previous, previous.status.isFinished, previous.settingsKey == options.settingsKey,
               previous.eventsPath == item.events,
               options.retryFailed == false || previous.status == .done {
                if previous.mediaStamp == mediaStamp, previous.eventsStamp == eventsStamp {
                    progress.kept += 1
                    if previous.overallStatus == "review" { progress.flagged += 1 }
                    continue
                }
                if previous.status == .done, previous.mediaHash != nil {
                    jobs.append(Job(item: item, mediaStamp: mediaStamp, eventsStamp: eventsStamp, previous: previous, checkHashes: true))
                    progress.bytesTotal += mediaStamp.size
                    continue
                }
            }
            jobs.append(Job(item: item, mediaStamp: mediaStamp, eventsStamp: eventsStamp, previous: previous, checkHashes: false))
            progress.bytesTotal += mediaStamp.size
        }
        progress.started = Date()
        Self.removeAbandonedWorkFolders(in: workFolder.deletingLastPathComponent())
        try FileManager.default.createDirectory(at: workFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workFolder) }

        pending = jobs
        nextJob = 0
        storeError = nil
        let group = DispatchGroup()
        for _ in 0..<min(options.jobs, max(1, jobs.count)) {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                while true {
                    lock.lock()
                    guard storeError == nil, nextJob < pending.count else { lock.unlock(); return }
                    let job = pending[nextJob]
                    nextJob += 1
                    progress.running += 1
                    let snapshot = progress
                    lock.unlock()
                    report(.started(job.item), snapshot)
                    do {
                        let (outcome, message, seconds, flagged) = try perform(job)
                        lock.lock()
                        progress.running -= 1
                        progress.bytesDone += job.mediaStamp.size
                        switch outcome {
                        case .analysed: progress.analysed += 1
                        case .unchanged: progress.unchanged += 1
                        case .failed: progress.failed += 1
                        case .timedOut: progress.timedOut += 1
                        }
                        if flagged { progress.flagged += 1 }
                        let snapshot = progress
                        lock.unlock()
                        report(.finished(job.item, outcome, message: message, seconds: seconds), snapshot)
                    } catch {
                        lock.lock()
                        progress.running -= 1
                        if storeError == nil { storeError = error }
                        lock.unlock()
                    }
                }
            }
        }
        group.wait()
        if let storeError { throw storeError }
        return progress
    }

    /// One recording: mark it running (unless a finished row is kept until the hash check
    /// answers), run the worker, store what came back.
    private func perform(_ job: Job) throws -> (ScanOutcome, String?, Double, Bool) {
        let started = Date()
        var row = RecordingRow(path: job.item.media, eventsPath: job.item.events, mediaStamp: job.mediaStamp,
                               eventsStamp: job.eventsStamp, settingsKey: options.settingsKey, status: .running,
                               startedAt: started.timeIntervalSince1970)
        row.attempts = (job.previous?.attempts ?? 0) + 1
        if !job.checkHashes { try store.save(row) }

        let request = WorkerRequest(item: job.item, configuration: options.configuration,
                                    knownMediaHash: job.checkHashes ? job.previous?.mediaHash : nil,
                                    knownEventsHash: job.checkHashes ? job.previous?.eventsHash : nil,
                                    acceptTruncated: options.acceptTruncated)
        var limitedRequest = request
        limitedRequest.memoryLimitMB = options.memoryLimitMB
        let run = runWorker(limitedRequest)
        let seconds = Date().timeIntervalSince(started)
        row.finishedAt = Date().timeIntervalSince1970
        row.elapsed_s = seconds
        switch run {
        case .result(let result):
            if result.unchanged, var previous = job.previous {
                previous.mediaStamp = job.mediaStamp
                previous.eventsStamp = job.eventsStamp
                previous.report = try store.report(path: previous.path)
                try store.save(previous)
                return (.unchanged, nil, seconds, previous.overallStatus == "review")
            }
            row.status = .done
            row.mediaHash = result.mediaHash
            row.eventsHash = result.eventsHash
            row.candidateId = result.candidateId
            row.interviewId = result.interviewId
            row.identifiers = result.identifiers
            row.voiceprint = result.voiceprint
            if let report = result.report {
                row.report = report.canonical(pretty: false, decimals: 6)
                row.overallStatus = report["overall"]?["status"]?.string
                row.overallScore = report["overall"]?["score"]?.number
                row.duration_s = report["input"]?["duration_s"]?.number
                row.flags = (report["flags"]?.array ?? []).compactMap { value in
                    guard let data = try? JSONEncoder().encode(value) else { return nil }
                    return try? JSONDecoder().decode(EvidenceFlag.self, from: data)
                }
            }
            try store.save(row)
            return (.analysed, nil, seconds, row.overallStatus == "review")
        case .failed(let message):
            row.status = .failed
            row.error = message
            try store.save(row)
            return (.failed, message, seconds, false)
        case .timedOut:
            row.status = .timedOut
            row.error = String(format: "no result within the %.0f s time limit; the worker was stopped (raise --timeout if the recording is very long)",
                               options.timeout_s)
            try store.save(row)
            return (.timedOut, row.error, seconds, false)
        }
    }

    private enum WorkerRun {
        case result(WorkerResult)
        case failed(String)
        case timedOut
    }

    /// Starts `candor scan worker REQUEST RESULT` and waits for it, at most `timeout_s`.
    private func runWorker(_ request: WorkerRequest) -> WorkerRun {
        let folder = workFolder.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: folder) }
        let requestURL = folder.appendingPathComponent("request.json")
        let resultURL = folder.appendingPathComponent("result.json")
        let errorURL = folder.appendingPathComponent("stderr.txt")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try JSONEncoder().encode(request).write(to: requestURL)
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        } catch {
            return .failed("could not prepare the worker: \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: options.workerExecutable)
        process.arguments = ["scan", "worker", requestURL.path, resultURL.path]
        // A crashing worker's own backtrace is noise in the store; its signal is what is recorded.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard let errorHandle = try? FileHandle(forWritingTo: errorURL) else { return .failed("could not prepare the worker's log") }
        process.standardError = errorHandle
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch {
            try? errorHandle.close()
            return .failed("could not start the worker '\(options.workerExecutable)': \(error.localizedDescription)")
        }
        try? errorHandle.close()
        if done.wait(timeout: .now() + options.timeout_s) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            return .timedOut
        }
        let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        let lastLine = stderr.split(separator: "\n").last.map(String.init)?
            .replacingOccurrences(of: "candor: error: ", with: "")
        if process.terminationReason == .uncaughtSignal {
            let limit = options.memoryLimitMB.map { " — a file needing more than the \($0) MB --memory-limit ends this way too" } ?? ""
            return .failed("the worker crashed (signal \(process.terminationStatus))" + (lastLine.map { ": \($0)" } ?? "") + limit)
        }
        guard process.terminationStatus == 0 else {
            return .failed(lastLine ?? "the worker failed with exit status \(process.terminationStatus)")
        }
        guard let data = try? Data(contentsOf: resultURL),
              let result = try? JSONDecoder().decode(WorkerResult.self, from: data) else {
            return .failed("the worker exited without a readable result")
        }
        return .result(result)
    }
}
