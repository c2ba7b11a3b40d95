import Foundation

/// Reads a file line by line through a fixed buffer (Foundation on Linux has no async line
/// reader): memory stays bounded by the buffer and the longest line allowed.
public final class LineReader {
    public let path: String
    public let maximumLineBytes: Int
    private let handle: FileHandle
    /// Bytes read but not yet returned are `buffer[start...]`.
    private var buffer: [UInt8] = []
    private var start = 0
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
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                let length = newline - start
                let text = skipping > 0 ? nil : LineReader.decode(buffer[start..<newline])
                start = newline + 1
                lineNumber += 1
                if skipping > 0 { return .tooLong(bytes: skipping + length) }
                return .text(text!)
            }
            if buffer.count - start > maximumLineBytes {
                skipping += buffer.count - start
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if finished {
                guard start < buffer.count || skipping > 0 else { return nil }
                let length = buffer.count - start
                let text = skipping > 0 ? nil : LineReader.decode(buffer[start...])
                buffer.removeAll()
                start = 0
                lineNumber += 1
                if skipping > 0 { return .tooLong(bytes: skipping + length) }
                return .text(text!)
            }
            // Drop what was returned before reading more, so the buffer stays one line long.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            searchFrom = buffer.count
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 16) ?? Data() } catch {
                throw EventLogError(path: path, line: lineNumber + 1, message: "read failed (\(error.localizedDescription))")
            }
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
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
