import CandorDetectors
import CandorReport
import Foundation

/// A group of recordings linked across the archive, with the evidence.
public struct LinkGroup: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Voiceprints match although the candidate ids differ: one person behind several personas.
        case sameVoiceDifferentIds = "same_voice_different_ids"
        /// One candidate id, voices that do not match across its interviews.
        case differentVoicesSameId = "different_voices_same_id"
        /// An IP address or device id shared by recordings of different candidate ids.
        case sharedIdentifier = "shared_identifier"
    }

    public var kind: Kind
    public var recordings: [String]
    public var candidateIds: [String]
    public var detail: String
    public var evidence: JSONValue
}

/// Finds links between recordings from their stored voiceprints, candidate ids and network
/// identifiers.
public enum Links {
    /// Identifier kinds that can link recordings. User agents and time zones are shared by
    /// millions of people; they are kept as evidence but never link on their own.
    public static let linkingKinds: Set<String> = ["ip", "device_id"]

    /// - Parameter threshold: the same-speaker threshold on voiceprint similarity
    ///   (`voice.reference_threshold`).
    public static func find(_ rows: [RecordingRow], threshold: Double) -> [LinkGroup] {
        voiceAcrossIds(rows, threshold: threshold) + voicesWithinIds(rows, threshold: threshold) + sharedIdentifiers(rows)
    }

    /// Connected components of recordings joined by matching voiceprints, kept when they span
    /// two or more candidate ids. Each group lists the matching pairs and their similarity.
    static func voiceAcrossIds(_ rows: [RecordingRow], threshold: Double) -> [LinkGroup] {
        let voiced = rows.filter { $0.voiceprint != nil && $0.candidateId != nil }
        var sets = DisjointSets(voiced.count)
        var pairs: [(Int, Int, Double)] = []
        for i in voiced.indices {
            for j in voiced.indices where j > i && voiced[i].candidateId != voiced[j].candidateId {
                let similarity = voiced[i].voiceprint!.similarity(to: voiced[j].voiceprint!)
                if similarity >= threshold {
                    sets.union(i, j)
                    pairs.append((i, j, similarity))
                }
            }
        }
        return sets.groups().compactMap { members in
            let ids = Set(members.map { voiced[$0].candidateId! }).sorted()
            guard ids.count >= 2 else { return nil }
            let inGroup = Set(members)
            let evidence = pairs.filter { inGroup.contains($0.0) }.map { pair in
                JSONValue.object(["a": .string(voiced[pair.0].path), "b": .string(voiced[pair.1].path),
                                  "similarity": .number(pair.2)])
            }
            return LinkGroup(kind: .sameVoiceDifferentIds, recordings: members.map { voiced[$0].path }.sorted(), candidateIds: ids,
                             detail: "the candidate's voice matches across \(ids.count) candidate ids (\(ids.joined(separator: ", ")))",
                             evidence: .object(["threshold": .number(threshold), "pairs": .array(evidence)]))
        }.sorted { $0.recordings.first ?? "" < $1.recordings.first ?? "" }
    }

    /// Per candidate id with two or more voiced recordings: voices grouped by matching
    /// voiceprints; more than one voice is a link worth reviewing.
    static func voicesWithinIds(_ rows: [RecordingRow], threshold: Double) -> [LinkGroup] {
        let byId = Dictionary(grouping: rows.filter { $0.voiceprint != nil && $0.candidateId != nil }, by: { $0.candidateId! })
        var groups: [LinkGroup] = []
        for (id, members) in byId.sorted(by: { $0.key < $1.key }) where members.count >= 2 {
            var sets = DisjointSets(members.count)
            var comparisons: [JSONValue] = []
            for i in members.indices {
                for j in members.indices where j > i {
                    let similarity = members[i].voiceprint!.similarity(to: members[j].voiceprint!)
                    if similarity >= threshold { sets.union(i, j) }
                    comparisons.append(.object(["a": .string(members[i].path), "b": .string(members[j].path),
                                                "similarity": .number(similarity)]))
                }
            }
            let voices = sets.groups()
            guard voices.count >= 2 else { continue }
            groups.append(LinkGroup(
                kind: .differentVoicesSameId, recordings: members.map(\.path).sorted(), candidateIds: [id],
                detail: "candidate id \(id) speaks with \(voices.count) different voices across \(members.count) interviews",
                evidence: .object([
                    "threshold": .number(threshold),
                    "voices": .array(voices.map { voice in .array(voice.map { members[$0].path }.sorted().map { .string($0) }) }),
                    "pairs": .array(comparisons),
                ])))
        }
        return groups
    }

    /// Recordings joined by a shared IP address or device id (private and loopback addresses
    /// excluded: every office network shares them), kept when they span two or more candidate
    /// ids (recordings without an id count as their own persona).
    static func sharedIdentifiers(_ rows: [RecordingRow]) -> [LinkGroup] {
        var byValue: [Identifier: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            for identifier in Set(row.identifiers) where linkingKinds.contains(identifier.kind) {
                if identifier.kind == "ip", !isPublicAddress(identifier.value) { continue }
                byValue[identifier, default: []].append(index)
            }
        }
        var sets = DisjointSets(rows.count)
        var shared: [Identifier: [Int]] = [:]
        for (identifier, members) in byValue where members.count >= 2 {
            let personas = Set(members.map { rows[$0].candidateId ?? "path:" + rows[$0].path })
            guard personas.count >= 2 else { continue }
            shared[identifier] = members
            for member in members.dropFirst() { sets.union(members[0], member) }
        }
        return sets.groups().compactMap { members -> LinkGroup? in
            guard members.count >= 2 else { return nil }
            let inGroup = Set(members)
            let identifiers = shared.filter { inGroup.contains($0.value[0]) }.sorted { ($0.key.kind, $0.key.value) < ($1.key.kind, $1.key.value) }
            guard !identifiers.isEmpty else { return nil }
            let ids = Set(members.compactMap { rows[$0].candidateId }).sorted()
            let names = identifiers.map { "\($0.key.kind) \($0.key.value)" }.joined(separator: ", ")
            return LinkGroup(
                kind: .sharedIdentifier, recordings: members.map { rows[$0].path }.sorted(), candidateIds: ids,
                detail: "\(members.count) recordings of \(ids.isEmpty ? "unnamed" : ids.joined(separator: ", ")) share \(names)",
                evidence: .object(["identifiers": .array(identifiers.map { entry in
                    .object(["kind": .string(entry.key.kind), "value": .string(entry.key.value),
                             "recordings": .array(entry.value.map { .string(rows[$0].path) })])
                })]))
        }.sorted { $0.recordings.first ?? "" < $1.recordings.first ?? "" }
    }

    /// False for private (RFC 1918, fc00::/7), loopback, link-local, carrier-grade NAT
    /// (100.64/10) and unspecified addresses, and for text that is not an address.
    public static func isPublicAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4 {
            let octets = parts.compactMap { UInt8($0) }
            guard octets.count == 4 else { return false }
            switch (octets[0], octets[1]) {
            case (10, _), (127, _), (0, _): return false
            case (172, 16...31), (192, 168), (169, 254), (100, 64...127): return false
            default: return octets[0] < 224
            }
        }
        guard text.contains(":") else { return false }
        let lower = text.lowercased()
        if lower == "::1" || lower == "::" { return false }
        if lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
            || lower.hasPrefix("fea") || lower.hasPrefix("feb") { return false }
        return lower.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}

/// Union–find over indices.
struct DisjointSets {
    private var parent: [Int]
    init(_ count: Int) { parent = Array(0..<count) }
    mutating func find(_ x: Int) -> Int {
        var root = x
        while parent[root] != root { root = parent[root] }
        var node = x
        while parent[node] != root { let up = parent[node]; parent[node] = root; node = up }
        return root
    }
    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
    /// Components in order of their smallest member, each sorted.
    mutating func groups() -> [[Int]] {
        var byRoot: [Int: [Int]] = [:]
        for i in parent.indices { byRoot[find(i), default: []].append(i) }
        return byRoot.values.sorted { $0[0] < $1[0] }
    }
}
