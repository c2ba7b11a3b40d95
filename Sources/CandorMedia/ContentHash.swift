import CFFmpeg
import Foundation

/// SHA-256 (libavutil's implementation), as lowercase hex. `candor scan` uses it to tell a
/// changed recording from a merely touched one.
public enum ContentHash {
    /// The hash of a file's bytes, read in 1 MiB blocks: memory stays flat whatever its size.
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let code: MediaError.Code = FileManager.default.fileExists(atPath: path) ? .permissionDenied : .notFound
            throw MediaError(code, path: path, message: code == .notFound ? "does not exist" : "cannot be read",
                             remedy: "check the path and its permissions")
        }
        defer { try? handle.close() }
        return try digest(path: path) { update in
            while true {
                let block: Data
                do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                    throw MediaError(.damaged, path: path, message: "could not be read to the end (\(error.localizedDescription))")
                }
                if block.isEmpty { break }
                update(block)
            }
        }
    }

    /// The hash of bytes in memory.
    public static func sha256(data: Data) -> String {
        (try? digest(path: "") { update in update(data) }) ?? ""
    }

    /// Runs `feed` with a function that adds bytes to a SHA-256, and returns the digest in hex.
    private static func digest(path: String, _ feed: ((Data) -> Void) throws -> Void) throws -> String {
        guard let context = av_sha_alloc() else {
            throw MediaError(.libraryFailure, path: path, message: "out of memory for the hash", call: "av_sha_alloc")
        }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        av_sha_init(context, 256)
        try feed { data in
            data.withUnsafeBytes { raw in av_sha_update(context, raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
