import Foundation

/// Reads a file line by line through a fixed buffer (Foundation on Linux has no async line
/// reader): memory stays bounded by the buffer and the longest line allowed.
public final class LineReader {
    public let path: String
    public let maximumLineBytes: Int
    private let handle: FileHandle
    private var buffer = Data()
    private var finished = false
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0

    public enum Line {
        case text(String)
        /// The line exceeded `maximumLineBytes`; its content was skipped.
        case tooLong(bytes: Int)
    }

    public init(path: String, maximumLineBytes: Int = 1 << 20) throws {
        self.path = path
        self.maximumLineBytes = maximumLineBytes
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EventLogError(path: path, line: nil, message: "no such file; check the path")
        }
        guard !isDirectory.boolValue else { throw EventLogError(path: path, line: nil, message: "is a directory, not an event log") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EventLogError(path: path, line: nil, message: "cannot be read (permission denied?)")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line without its terminator, or nil at the end of the file.
    public func next() throws -> Line? {
        var skipping = 0
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let lineData = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                lineNumber += 1
                if skipping > 0 { return .tooLong(bytes: skipping + lineData.count) }
                return .text(LineReader.decode(lineData))
            }
            if buffer.count > maximumLineBytes {
                skipping += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            if finished {
                guard !buffer.isEmpty || skipping > 0 else { return nil }
                let lineData = buffer
                buffer.removeAll()
                lineNumber += 1
                if skipping > 0 { return .tooLong(bytes: skipping + lineData.count) }
                return .text(LineReader.decode(lineData))
            }
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 16) ?? Data() } catch {
                throw EventLogError(path: path, line: lineNumber + 1, message: "read failed (\(error.localizedDescription))")
            }
            if chunk.isEmpty { finished = true } else { buffer.append(chunk) }
        }
    }

    private static func decode(_ data: Data) -> String {
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}

/// An event-log problem: the file, the line (when known), and what is wrong.
public struct EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }
    public var description: String {
        if let line { return "'\(path)' line \(line): \(message)" }
        return "'\(path)': \(message)"
    }
}
