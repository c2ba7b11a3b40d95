import Foundation

/// A JSON value: detector-specific fields and flag evidence, and the canonical writer that
/// makes reports deterministic (sorted keys, numbers rounded to a fixed precision).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(_ value: Double?) { self = value.map { .number($0) } ?? .null }
    public init(_ value: Int) { self = .number(Double(value)) }
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    public init(_ values: [Double]) { self = .array(values.map { .number($0) }) }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else if let value = try? container.decode([String: JSONValue].self) { self = .object(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value.isFinite ? value : 0)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Converts any Encodable value through JSONEncoder.
    public static func from<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public var object: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    public var number: Double? { if case .number(let value) = self { value } else { nil } }
    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var array: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public subscript(key: String) -> JSONValue? { object?[key] }

    /// Canonical text: keys sorted, numbers rounded to `decimals` places with trailing zeros
    /// dropped, two-space indentation when `pretty`.
    public func canonical(pretty: Bool = true, decimals: Int = 3) -> String {
        var out = ""
        write(into: &out, indent: 0, pretty: pretty, decimals: decimals)
        return out
    }

    private func write(into out: inout String, indent: Int, pretty: Bool, decimals: Int) {
        let newline = pretty ? "\n" : ""
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value): out += JSONValue.format(value, decimals: decimals)
        case .string(let value): out += JSONValue.quote(value)
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            // Short arrays of numbers stay on one line.
            if values.allSatisfy({ if case .number = $0 { true } else { false } }) {
                out += "[" + values.map { JSONValue.format($0.number ?? 0, decimals: decimals) }.joined(separator: ", ") + "]"
                return
            }
            out += "[" + newline
            for (index, value) in values.enumerated() {
                out += pad
                value.write(into: &out, indent: indent + 1, pretty: pretty, decimals: decimals)
                out += (index < values.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .object(let values):
            guard !values.isEmpty else { out += "{}"; return }
            out += "{" + newline
            let keys = values.keys.sorted()
            for (index, key) in keys.enumerated() {
                out += pad + JSONValue.quote(key) + (pretty ? ": " : ":")
                values[key]!.write(into: &out, indent: indent + 1, pretty: pretty, decimals: decimals)
                out += (index < keys.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }

    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        var text = String(format: "%.\(decimals)f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
