import Foundation

/// Limits applied to every channel payload before it is parsed.
public enum PayloadLimits {
    /// Default maximum body size: 1 MB.
    public static let defaultMaxBytes = 1 << 20
}

/// Shared decoding: size check first, then `JSONDecoder` into a small struct, with `DecodingError`
/// turned into a `PayloadError` that names the JSON path.
enum PayloadDecoding {
    static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, maxBytes: Int
    ) throws(PayloadError) -> T {
        guard data.count <= maxBytes else { throw .tooLarge(size: data.count, limit: maxBytes) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as PayloadError {
            throw error
        } catch let error as DecodingError {
            throw translate(error)
        } catch {
            throw .malformedJSON(reason: String(describing: error))
        }
    }

    static func decode<T: Decodable>(
        _ type: T.Type, from bytes: [UInt8], maxBytes: Int
    ) throws(PayloadError) -> T {
        guard bytes.count <= maxBytes else { throw .tooLarge(size: bytes.count, limit: maxBytes) }
        return try decode(type, from: Data(bytes), maxBytes: maxBytes)
    }

    static func translate(_ error: DecodingError) -> PayloadError {
        switch error {
        case .typeMismatch(let type, let context):
            return .wrongType(path: jsonPath(context.codingPath), expected: typeName(type))
        case .valueNotFound(_, let context):
            return .missingField(path: jsonPath(context.codingPath))
        case .keyNotFound(let key, let context):
            return .missingField(path: jsonPath(context.codingPath + [key]))
        case .dataCorrupted(let context):
            if let inner = context.underlyingError as? PayloadError { return inner }
            if context.codingPath.isEmpty {
                let reason = context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
                return .malformedJSON(reason: reason)
            }
            return .invalidValue(path: jsonPath(context.codingPath), value: "", reason: context.debugDescription)
        @unknown default:
            return .malformedJSON(reason: String(describing: error))
        }
    }

    static func jsonPath(_ path: [any CodingKey]) -> String {
        var out = "$"
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                out += "[\(index)]"
            } else {
                out += "." + key.stringValue
            }
        }
        return out
    }

    static func typeName(_ type: Any.Type) -> String {
        if type == String.self { return "string" }
        if type == Int64.self || type == Int.self || type == Int32.self { return "integer" }
        if type == Double.self || type == Decimal.self { return "number" }
        if type == Bool.self { return "boolean" }
        return String(describing: type).hasPrefix("Array") ? "array" : "object"
    }
}

extension KeyedDecodingContainer {
    /// A required RFC 3339 timestamp; a bad string is an `invalidValue` at its path.
    func decodeTimestamp(forKey key: Key) throws -> Date {
        try parseTimestamp(try decode(String.self, forKey: key), key: key)
    }

    /// An optional RFC 3339 timestamp (absent or null → nil).
    func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        return try parseTimestamp(text, key: key)
    }

    /// An id sent as a JSON number or a non-empty string.
    func decodeID(forKey key: Key) throws -> String {
        if let int = try? decode(Int64.self, forKey: key) { return String(int) }
        if let string = try? decode(String.self, forKey: key), !string.isEmpty { return string }
        if !contains(key) {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing id"))
        }
        throw DecodingError.typeMismatch(
            String.self, .init(codingPath: codingPath + [key], debugDescription: "expected an id"))
    }

    private func parseTimestamp(_ text: String, key: Key) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw PayloadError.invalidValue(
                path: PayloadDecoding.jsonPath(codingPath + [key]), value: text, reason: "not an RFC 3339 timestamp")
        }
        return date
    }
}
