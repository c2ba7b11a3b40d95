import CFFmpeg
import Foundation

/// SHA-256 of a file's bytes (libavutil's implementation), as lowercase hex. `candor scan`
/// uses it to tell a changed recording from a merely touched one.
public enum ContentHash {
    /// Reads the file in 1 MiB blocks; memory stays flat whatever its size.
    public static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let code: MediaError.Code = FileManager.default.fileExists(atPath: path) ? .permissionDenied : .notFound
            throw MediaError(code, path: path, message: code == .notFound ? "does not exist" : "cannot be read",
                             remedy: "check the path and its permissions")
        }
        defer { try? handle.close() }
        guard let context = av_sha_alloc() else {
            throw MediaError(.libraryFailure, path: path, message: "out of memory for the hash", call: "av_sha_alloc")
        }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        av_sha_init(context, 256)
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw MediaError(.damaged, path: path, message: "could not be read to the end (\(error.localizedDescription))")
            }
            if block.isEmpty { break }
            block.withUnsafeBytes { raw in
                av_sha_update(context, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
            }
        }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

extension ContentHash {
    /// SHA-256 of bytes in memory, as lowercase hex.
    public static func sha256(data: Data) -> String {
        guard let context = av_sha_alloc() else { return "" }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        av_sha_init(context, 256)
        data.withUnsafeBytes { raw in av_sha_update(context, raw.bindMemory(to: UInt8.self).baseAddress, raw.count) }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
