import Foundation

/// A labelled test corpus (`candor.manifest/1`, DESIGN.md), for `candor evaluate` and `scan`.
public struct Manifest: Sendable {
    public static let schema = "candor.manifest/1"

    public struct Case: Sendable {
        public var id: String
        /// Absolute paths (the manifest's are relative to it).
        public var media: String
        public var events: String?
        public var interviewer: String?
        public var candidate: String?
        /// Detector id → `ok` or `flagged`.
        public var labels: [String: String]
        public var truthKeystrokes_s: [Double]?
        public var truthChangePoints_s: [Double]?
        public var truthLatencies_s: [Double]?
        public var truthClockOffset_s: Double?
    }

    public var path: String
    public var cases: [Case]

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let caseID: String?
        public let message: String
        public var description: String {
            caseID.map { "'\(path)' case '\($0)': \(message)" } ?? "'\(path)': \(message)"
        }
    }

    public static let detectorIDs: Set<String> = ["latency", "keyboard", "voice", "typing"]

    /// Reads and checks a manifest: schema, unique ids, files that exist, known labels.
    public static func load(path: String) throws -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(path: path, caseID: nil, message: "cannot read the manifest; check the path")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw LoadError(path: path, caseID: nil, message: "is not a JSON object")
        }
        guard object["schema"] as? String == schema else {
            throw LoadError(path: path, caseID: nil, message: "schema must be \"\(schema)\" (found \(object["schema"].map { "\($0)" } ?? "none"))")
        }
        guard let rawCases = object["cases"] as? [[String: Any]] else {
            throw LoadError(path: path, caseID: nil, message: "'cases' must be a list of objects")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ relative: String) -> String {
            relative.hasPrefix("/") ? relative : folder.appendingPathComponent(relative).standardizedFileURL.path
        }
        var seen = Set<String>()
        var cases: [Case] = []
        for (index, raw) in rawCases.enumerated() {
            guard let id = raw["id"] as? String, !id.isEmpty else {
                throw LoadError(path: path, caseID: "#\(index + 1)", message: "'id' is missing")
            }
            guard seen.insert(id).inserted else { throw LoadError(path: path, caseID: id, message: "duplicate id") }
            guard let media = raw["media"] as? String else { throw LoadError(path: path, caseID: id, message: "'media' is missing") }
            let mediaPath = resolve(media)
            guard FileManager.default.fileExists(atPath: mediaPath) else {
                throw LoadError(path: path, caseID: id, message: "media '\(media)' does not exist")
            }
            var eventsPath: String? = nil
            if let events = raw["events"] as? String {
                eventsPath = resolve(events)
                guard FileManager.default.fileExists(atPath: eventsPath!) else {
                    throw LoadError(path: path, caseID: id, message: "events '\(events)' does not exist")
                }
            }
            var labels: [String: String] = [:]
            if let rawLabels = raw["labels"] {
                guard let dictionary = rawLabels as? [String: Any] else {
                    throw LoadError(path: path, caseID: id, message: "'labels' must be an object")
                }
                for (detector, value) in dictionary {
                    guard detectorIDs.contains(detector) else {
                        throw LoadError(path: path, caseID: id, message: "unknown detector '\(detector)' in labels (known: \(detectorIDs.sorted().joined(separator: ", ")))")
                    }
                    guard let label = value as? String, label == "ok" || label == "flagged" else {
                        throw LoadError(path: path, caseID: id, message: "label for '\(detector)' must be \"ok\" or \"flagged\"")
                    }
                    labels[detector] = label
                }
            }
            let truth = raw["truth"] as? [String: Any] ?? [:]
            func numbers(_ key: String) throws -> [Double]? {
                guard let value = truth[key] else { return nil }
                guard let list = value as? [NSNumber] else {
                    throw LoadError(path: path, caseID: id, message: "truth '\(key)' must be a list of numbers")
                }
                return list.map(\.doubleValue)
            }
            cases.append(Case(id: id, media: mediaPath, events: eventsPath, interviewer: raw["interviewer"] as? String,
                              candidate: raw["candidate"] as? String, labels: labels,
                              truthKeystrokes_s: try numbers("keystrokes_s"), truthChangePoints_s: try numbers("change_points_s"),
                              truthLatencies_s: try numbers("latencies_s"),
                              truthClockOffset_s: (truth["clock_offset_s"] as? NSNumber)?.doubleValue))
        }
        return Manifest(path: path, cases: cases)
    }
}
