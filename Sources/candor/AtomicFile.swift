import Foundation

/// Writes a whole file atomically: to a temporary file in the same folder, then renamed into
/// place, so an interrupted run never leaves a half-written output.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.input("'\(path)': cannot write: folder '\(folder.path)' does not exist")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CLIError.input("'\(path)': cannot write (\(error.localizedDescription)); check that the folder is writable")
        }
    }
}
