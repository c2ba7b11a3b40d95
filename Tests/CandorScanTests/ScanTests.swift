import CandorDSP
import CandorDetectors
import CandorReport
import CandorTestSupport
import Foundation
import Testing
@testable import CandorScan

/// A voiceprint of `windows` embeddings scattered (spread 1) around `centre` in every dimension.
func voiceprint(centre: Float, seed: UInt64, windows: Int = 40) -> Voiceprint {
    var generator = SeededGenerator(seed: seed)
    let embeddings = (0..<windows).map { _ in
        (0..<SpeakerEmbedding.dimensions).map { d in centre * Float(d % 3 == 0 ? 1 : -1) + Float.random(in: -1.7...1.7, using: &generator) }
    }
    return Voiceprint(toolVersion: "test", media: "m", speech_s: 60, embeddings: embeddings)
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func row(_ path: String, id: String?, voice: Voiceprint? = nil, identifiers: [(String, String)] = [],
         status: RecordingStatus = .done) -> RecordingRow {
    var row = RecordingRow(path: path, eventsPath: nil, mediaStamp: FileStamp(size: 10, modified: 1), eventsStamp: nil,
                           settingsKey: "k", status: status, startedAt: 1)
    row.candidateId = id
    row.voiceprint = voice
    row.identifiers = identifiers.map { Identifier(kind: $0.0, value: $0.1) }
    return row
}

@Suite("scan links")
struct LinkTests {
    let voiceA = voiceprint(centre: 0, seed: 1), voiceA2 = voiceprint(centre: 0, seed: 2)
    let voiceB = voiceprint(centre: 3, seed: 3)

    @Test func sameVoiceUnderTwoIdsIsOneGroup() {
        let groups = Links.find([row("/a1", id: "alice", voice: voiceA), row("/a2", id: "bob", voice: voiceA2),
                                 row("/c", id: "carol", voice: voiceB)], threshold: 0.8)
        #expect(voiceA.similarity(to: voiceA2) >= 0.8 && voiceA.similarity(to: voiceB) < 0.8)
        #expect(groups.count == 1)
        #expect(groups.first?.kind == .sameVoiceDifferentIds)
        #expect(groups.first?.recordings == ["/a1", "/a2"] && groups.first?.candidateIds == ["alice", "bob"])
        #expect(groups.first?.evidence["pairs"]?.array?.count == 1)
    }

    @Test func oneIdWithTwoVoicesIsFlagged() {
        let groups = Links.find([row("/1", id: "dave", voice: voiceA), row("/2", id: "dave", voice: voiceA2),
                                 row("/3", id: "dave", voice: voiceB)], threshold: 0.8)
        #expect(groups.map(\.kind) == [.differentVoicesSameId])
        #expect(groups.first?.evidence["voices"]?.array?.count == 2)
    }

    @Test func oneIdWithOneVoiceIsNotALink() {
        #expect(Links.find([row("/1", id: "erin", voice: voiceA), row("/2", id: "erin", voice: voiceA2)], threshold: 0.8).isEmpty)
    }

    @Test func sharedPublicAddressOrDeviceLinksPersonas() {
        let rows = [
            row("/x", id: "x", identifiers: [("ip", "203.0.113.7"), ("user_agent", "Mozilla/5.0")]),
            row("/y", id: "y", identifiers: [("ip", "203.0.113.7")]),
            row("/z", id: "z", identifiers: [("device_id", "dev-9"), ("user_agent", "Mozilla/5.0")]),
            row("/w", id: "w", identifiers: [("device_id", "dev-9"), ("ip", "10.0.0.5")]),
            row("/v", id: "v", identifiers: [("ip", "10.0.0.5")]),
            row("/u", id: "x", identifiers: [("ip", "198.51.100.1")]),
            row("/t", id: "x", identifiers: [("ip", "198.51.100.1")]),
        ]
        let groups = Links.find(rows, threshold: 0.8)
        #expect(groups.count == 2, "\(groups.map(\.detail))")
        #expect(groups.map(\.recordings) == [["/x", "/y"], ["/w", "/z"]] || groups.map(\.recordings) == [["/w", "/z"], ["/x", "/y"]])
        #expect(groups.allSatisfy { $0.kind == .sharedIdentifier })
    }

    @Test func privateAndLoopbackAddressesNeverLink() {
        for address in ["10.1.2.3", "192.168.0.4", "172.20.1.1", "127.0.0.1", "100.64.3.3", "169.254.1.1", "::1", "fd00::1",
                        "fe80::1", "not an address", "300.1.1.1"] {
            #expect(!Links.isPublicAddress(address), "\(address)")
        }
        for address in ["203.0.113.7", "8.8.8.8", "172.32.0.1", "2001:db8::1"] {
            #expect(Links.isPublicAddress(address), "\(address)")
        }
    }
}

@Suite("scan store")
struct StoreTests {
    @Test func rowsRoundTripWithFlagsIdentifiersAndVoiceprint() throws {
        let scratch = try ScratchFolder()
        let store = try SQLiteScanStore(path: scratch.path("s.db"))
        var stored = row("/r.mkv", id: "c1", voice: voiceprint(centre: 1, seed: 5), identifiers: [("ip", "203.0.113.1")])
        stored.flags = [EvidenceFlag(detector: "latency", severity: .high, start_s: 1, end_s: 2, title: "late", detail: "d",
                                     evidence: ["gap_s": .number(3.5)])]
        stored.report = #"{"schema":"candor.report/1"}"#
        stored.overallStatus = "review"
        try store.save(stored)
        var loaded = try #require(try store.recording(path: "/r.mkv"))
        #expect(loaded.report == nil, "summaries leave the report text out")
        loaded.report = try store.report(path: "/r.mkv")
        #expect(loaded == stored)
        // Saving again replaces the row and its children, not duplicates them.
        try store.save(stored)
        #expect(try store.recordings().count == 1 && (try store.recording(path: "/r.mkv"))?.flags.count == 1)
        // Reopening read-only sees the same.
        let again = try SQLiteScanStore(path: scratch.path("s.db"), readOnly: true)
        #expect(try again.recordings().map(\.path) == ["/r.mkv"])
    }

    @Test func refusesFilesThatAreNotScanStores() throws {
        let scratch = try ScratchFolder()
        let text = scratch.path("notes.db")
        try Data("hello, not a database at all, just text".utf8).write(to: URL(fileURLWithPath: text))
        #expect { try SQLiteScanStore(path: text) } throws: { ($0 as? ScanStoreError)?.message.contains("not a SQLite database") == true }
        let other = scratch.path("other.db")
        _ = try Tools.run("/usr/bin/env", ["python3", "-c", "import sqlite3; sqlite3.connect('\(other)').execute('create table t(x)')"])
        #expect { try SQLiteScanStore(path: other) } throws: { ($0 as? ScanStoreError)?.message.contains("not a Candor scan store") == true }
        #expect { try SQLiteScanStore(path: scratch.path("absent.db"), readOnly: true) } throws: {
            ($0 as? ScanStoreError)?.message.contains("does not exist") == true
        }
        #expect { try SQLiteScanStore(path: scratch.path("no/such/folder/s.db")) } throws: {
            ($0 as? ScanStoreError)?.message.contains("folder") == true
        }
    }
}

@Suite("scan discovery")
struct DiscoveryTests {
    @Test func findsRecordingsRecursivelyAndPairsEventLogs() throws {
        let scratch = try ScratchFolder()
        let root = scratch.url
        try FileManager.default.createDirectory(at: root.appendingPathComponent("2026/march"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".cache"), withIntermediateDirectories: true)
        for name in ["a.mp4", "a.events.jsonl", "2026/march/b.WEBM", "2026/march/notes.txt", ".cache/c.mkv", "2026/d.m4a",
                     "2026/d.turns.json"] {
            try Data("x".utf8).write(to: root.appendingPathComponent(name))
        }
        let items = try Discovery.find(root.path)
        let base = root.standardizedFileURL.path
        #expect(items.map(\.media) == [base + "/2026/d.m4a", base + "/2026/march/b.WEBM", base + "/a.mp4"])
        #expect(items.map(\.events) == [nil, nil, base + "/a.events.jsonl"])
    }

    @Test func missingFolderIsAnError() {
        #expect { try Discovery.find("/no/such/archive") } throws: { ($0 as? Discovery.DiscoveryError)?.message.contains("does not exist") == true }
    }
}

@Suite("scan settings")
struct SettingsKeyTests {
    @Test func aChangedConfigurationOrTruncationPolicyIsANewKey() {
        var changed = Configuration.defaults
        changed.voice.referenceThreshold = 0.7
        let base = ScanOptions.settingsKey(toolVersion: "1", configuration: .defaults)
        #expect(base == ScanOptions.settingsKey(toolVersion: "1", configuration: .defaults))
        #expect(base != ScanOptions.settingsKey(toolVersion: "2", configuration: .defaults))
        #expect(base != ScanOptions.settingsKey(toolVersion: "1", configuration: changed))
        #expect(base != ScanOptions.settingsKey(toolVersion: "1", configuration: .defaults, acceptTruncated: true))
    }
}
