import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One scan at a time per store: an advisory lock (`flock`) on `STORE.lock`, held for the
/// life of the process and released by the kernel however it ends (a killed scan leaves no
/// stale lock). A second scan on the same store is refused with the first one's process id.
public final class ScanLock {
    public let path: String
    private let descriptor: Int32

    public init(store: String) throws {
        path = store + ".lock"
        let fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else {
            throw ScanStoreError(location: store, message: "cannot create the lock file '\(path)': \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw ScanStoreError(location: store, message: "another candor scan (process \(holder)) is writing to this store; wait for it to finish or use another --db")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
