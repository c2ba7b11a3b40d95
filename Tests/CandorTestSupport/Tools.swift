import Foundation

/// Helpers shared by Candor's test targets: running external tools (ffmpeg, the built
/// `candor` binary) and making scratch folders of generated media.
public enum Tools {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`, capturing its output. Never hangs longer than `timeoutSeconds`.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeoutSeconds: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("candor-test-\(UUID().uuidString).out")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("candor-test-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw ToolError("'\(executable) \(arguments.joined(separator: " "))' timed out after \(timeoutSeconds) s")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? Data(contentsOf: outFile)) ?? Data(),
                      stderr: String(decoding: (try? Data(contentsOf: errFile)) ?? Data(), as: UTF8.self))
    }

    /// Makes a named pipe at `path` that yields `contents` once to the first reader that opens
    /// it (as `--config <(echo '{…}')` gives a program a pipe): a thread writes it and closes.
    public static func pipe(at path: String, holding contents: String) throws {
        guard mkfifo(path, 0o600) == 0 else { throw ToolError("mkfifo \(path) failed") }
        Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.write(Data(contents.utf8))
            try? handle.close()
        }.start()
    }

    /// Path of a program on PATH, or nil.
    public static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs ffmpeg quietly with `arguments`; throws with its stderr on failure.
    public static func ffmpeg(_ arguments: [String]) throws {
        guard let ffmpeg = which("ffmpeg") else { throw ToolError("ffmpeg is not installed (make test installs it)") }
        let result = try run(ffmpeg, ["-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments)
        guard result.status == 0 else { throw ToolError("ffmpeg \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }

    /// Decodes `path` with the ffmpeg CLI to 32-bit float mono at `rate` and returns the samples.
    public static func ffmpegSamples(_ path: String, map: String = "0:a:0", rate: Int = 16000,
                                     extraArguments: [String] = []) throws -> [Float] {
        guard let ffmpeg = which("ffmpeg") else { throw ToolError("ffmpeg is not installed") }
        let result = try run(ffmpeg, ["-nostdin", "-v", "error", "-i", path, "-map", map] + extraArguments
                             + ["-ac", "1", "-ar", "\(rate)", "-f", "f32le", "-"])
        guard result.status == 0 else { throw ToolError("ffmpeg decode of \(path) failed: \(result.stderr)") }
        return result.stdout.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The root of the package (two folders above this file's folder).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

public struct ToolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A scratch folder removed when the value is released.
public final class ScratchFolder: @unchecked Sendable {
    public let url: URL
    public init(_ label: String = "candor") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Generates `name` with ffmpeg (`-y` and the output path are added) and returns its path.
    @discardableResult
    public func make(_ name: String, _ arguments: [String]) throws -> String {
        let output = path(name)
        try Tools.ffmpeg(arguments + [output])
        return output
    }
}

/// Simple signal measurements for checking decoded audio.
public enum Signal {
    public static func rms(_ samples: ArraySlice<Float>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0.0) { $0 + Double($1 * $1) } / Double(samples.count)).squareRoot()
    }
    /// Frequency estimated from upward zero crossings.
    public static func zeroCrossingFrequency(_ samples: ArraySlice<Float>, rate: Int) -> Double {
        var crossings = 0
        var previous = samples.first ?? 0
        for sample in samples.dropFirst() {
            if previous < 0 && sample >= 0 { crossings += 1 }
            previous = sample
        }
        return Double(crossings) * Double(rate) / Double(samples.count)
    }
}
