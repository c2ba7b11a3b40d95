import CandorPipeline
import Foundation

/// One recording to scan: its media, its event log (if any) and the role options to use.
public struct ScanItem: Sendable, Equatable {
    /// Absolute, standardised path: the recording's key in the store.
    public var media: String
    public var events: String?
    public var interviewer: String?
    public var candidate: String?

    public init(media: String, events: String? = nil, interviewer: String? = nil, candidate: String? = nil) {
        self.media = media
        self.events = events
        self.interviewer = interviewer
        self.candidate = candidate
    }
}

/// Finds the recordings of an archive: a folder searched recursively, or a
/// `candor.manifest/1` file.
public enum Discovery {
    /// File name endings taken as recordings (lower case, without the dot).
    public static let mediaExtensions: Set<String> = [
        "mp4", "m4a", "m4v", "mov", "mkv", "mka", "webm", "wav", "flac", "mp3", "ogg", "oga", "opus", "aac", "wma", "wmv", "avi",
    ]
    /// The event log beside `NAME.EXT` is `NAME.events.jsonl`.
    public static let eventsSuffix = ".events.jsonl"

    public struct DiscoveryError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "'\(path)': \(message)" }
    }

    /// The recordings under `root` (a folder or a manifest), sorted by path.
    public static func find(_ root: String) throws -> [ScanItem] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw DiscoveryError(path: root, message: "does not exist; give a folder of recordings or a candor.manifest/1 file")
        }
        if !isDirectory.boolValue {
            do {
                let manifest = try Manifest.load(path: root)
                return manifest.cases.map {
                    ScanItem(media: standardised($0.media), events: $0.events.map(standardised), interviewer: $0.interviewer,
                             candidate: $0.candidate)
                }
            } catch let error as Manifest.LoadError {
                throw DiscoveryError(path: root, message: "is not a folder, and not a usable manifest: \(error.description)")
            }
        }
        return try walk(standardised(root))
    }

    static func standardised(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.standardizedFileURL.path
    }

    /// Recursive listing; hidden files and folders are skipped, symbolic links to folders are
    /// not followed (no cycles). Files that are not regular (pipes, sockets) are listed too:
    /// they are the worker's problem, under its time limit, not the scan's.
    static func walk(_ root: String) throws -> [ScanItem] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.isDirectoryKey],
                                                  options: [.skipsHiddenFiles]) else {
            throw DiscoveryError(path: root, message: "cannot be listed; check its permissions")
        }
        var items: [ScanItem] = []
        for case let url as URL in enumerator {
            let name = url.lastPathComponent
            let ext = url.pathExtension.lowercased()
            guard mediaExtensions.contains(ext) else { continue }
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true { continue }
            let path = url.standardizedFileURL.path
            let stem = String(name.dropLast(ext.count + 1))
            let events = url.deletingLastPathComponent().appendingPathComponent(stem + eventsSuffix).path
            items.append(ScanItem(media: path, events: manager.fileExists(atPath: events) ? events : nil))
        }
        return items.sorted { $0.media < $1.media }
    }
}
