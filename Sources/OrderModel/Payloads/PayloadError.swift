/// Why a channel payload could not be decoded. `path` is a JSON path such as `$.fulfillments[0].status`.
public enum PayloadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The body exceeds the size limit (checked before parsing).
    case tooLarge(size: Int, limit: Int)
    /// Not JSON at all, or truncated.
    case malformedJSON(reason: String)
    /// A value has the wrong JSON type.
    case wrongType(path: String, expected: String)
    /// A required field is absent or null.
    case missingField(path: String)
    /// A value has the right type but an invalid form (e.g. a timestamp that is not RFC 3339).
    case invalidValue(path: String, value: String, reason: String)

    /// The JSON path of the problem, when there is one.
    public var path: String? {
        switch self {
        case .tooLarge, .malformedJSON: nil
        case .wrongType(let path, _), .missingField(let path), .invalidValue(let path, _, _): path
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "payload too large: \(size) bytes (limit \(limit))"
        case .malformedJSON(let reason): "malformed JSON: \(reason)"
        case .wrongType(let path, let expected): "wrong type at \(path): expected \(expected)"
        case .missingField(let path): "missing required field \(path)"
        case .invalidValue(let path, let value, let reason): "invalid value at \(path): \"\(value)\" (\(reason))"
        }
    }
}
