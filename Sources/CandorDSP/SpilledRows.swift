import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed-width rows of 16-bit values, appended in order and read back by row. Whole chunks of
/// `chunkRows` rows move to an unlinked temporary file as they fill, so memory stays at about
/// two chunks (the one filling and the one last read) however long the recording; the file
/// disappears with the process, even a killed one. If no temporary file can be made or
/// written, rows simply stay in memory.
public final class SpilledRows: @unchecked Sendable {
    public let width: Int
    public let chunkRows: Int
    /// Rows appended so far.
    public private(set) var count = 0
    /// Rows of chunks not written to the file (all rows, if spilling is off or failed).
    private var memory: [Int16] = []
    /// Index of `memory`'s first row.
    private var memoryStart = 0
    private var file: Int32 = -1
    private var spillEnabled: Bool
    private var cache: [Int16] = []
    private var cacheChunk = -1
    private let lock = NSLock()

    public init(width: Int, chunkRows: Int = 1 << 16, spill: Bool = true) {
        self.width = max(1, width)
        self.chunkRows = max(1, chunkRows)
        spillEnabled = spill
        memory.reserveCapacity(self.width * min(self.chunkRows, 1 << 12))
    }

    deinit { if file >= 0 { close(file) } }

    /// True once some rows live in the temporary file.
    public var spilled: Bool { memoryStart > 0 }

    /// Appends one row (`width` values).
    public func append(_ row: UnsafeBufferPointer<Int16>) {
        lock.lock()
        defer { lock.unlock() }
        memory.append(contentsOf: row.prefix(width))
        if row.count < width { memory.append(contentsOf: repeatElement(0, count: width - row.count)) }
        count += 1
        if spillEnabled, count - memoryStart >= chunkRows { spillChunk() }
    }

    /// Value `column` of row `row` (0 for rows out of range).
    @inline(__always)
    public func value(row: Int, column: Int) -> Int16 {
        lock.lock()
        defer { lock.unlock() }
        guard row >= 0, row < count, column >= 0, column < width else { return 0 }
        let (values, base) = storage(ofRow: row)
        return values[base + column]
    }

    /// Copies row `row` into `values` (at most `width` values; zeros for rows out of range).
    public func read(row: Int, into values: UnsafeMutableBufferPointer<Int16>) {
        lock.lock()
        defer { lock.unlock() }
        let n = min(width, values.count)
        guard row >= 0, row < count else {
            for i in 0..<n { values[i] = 0 }
            return
        }
        let (stored, base) = storage(ofRow: row)
        for i in 0..<n { values[i] = stored[base + i] }
    }

    /// Where row `row` (in range) is held — the rows still in memory, or its chunk read back
    /// from the file into the cache — and the index of its first value there. Called under the lock.
    private func storage(ofRow row: Int) -> (values: [Int16], base: Int) {
        if row >= memoryStart { return (memory, (row - memoryStart) * width) }
        let chunk = row / chunkRows
        if chunk != cacheChunk { load(chunk) }
        return (cache, (row - chunk * chunkRows) * width)
    }

    private func spillChunk() {
        if file < 0 {
            let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(folder)/candor-frames-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else { spillEnabled = false; return }
            _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
            file = descriptor
        }
        let values = chunkRows * width
        let written = memory.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            let total = values * MemoryLayout<Int16>.size
            let fileOffset = off_t(memoryStart * width * MemoryLayout<Int16>.size)
            while offset < total {
                let result = pwrite(file, bytes.baseAddress! + offset, total - offset, fileOffset + off_t(offset))
                if result <= 0 { if errno == EINTR { continue }; return false }
                offset += result
            }
            return true
        }
        guard written else { spillEnabled = false; return }  // disk full: keep the rest in memory
        memory.removeFirst(values)
        memoryStart += chunkRows
    }

    private func load(_ chunk: Int) {
        let values = chunkRows * width
        if cache.count != values { cache = [Int16](repeating: 0, count: values) }
        let total = values * MemoryLayout<Int16>.size
        let fileOffset = off_t(chunk * values * MemoryLayout<Int16>.size)
        cache.withUnsafeMutableBytes { bytes in
            var offset = 0
            while offset < total {
                let result = pread(file, bytes.baseAddress! + offset, total - offset, fileOffset + off_t(offset))
                if result < 0 && errno == EINTR { continue }
                if result <= 0 {
                    // A read failure of our own temporary file: leave zeros rather than crash.
                    for i in offset..<total { bytes[i] = 0 }
                    break
                }
                offset += result
            }
        }
        cacheChunk = chunk
    }
}
