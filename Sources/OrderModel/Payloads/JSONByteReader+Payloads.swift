import Foundation
import JSONText

/// What the payload readers read beyond plain JSON: ids as `decodeID` reads them and RFC 3339
/// timestamps straight from the bytes.
extension JSONByteReader {
    /// An id as `decodeID` reads it: an `Int64` JSON number as its decimal string, or a non-empty string.
    mutating func readID() throws(Unhandled) -> String {
        guard try peek() == UInt8(ascii: "\"") else { return try readInt64Text() }
        let id = try readString()
        guard !id.isEmpty else { throw Unhandled() }
        return id
    }

    /// An RFC 3339 timestamp string (`null`, other types and bad timestamps are `Unhandled`).
    mutating func readTimestamp() throws(Unhandled) -> Date {
        guard try peek() == UInt8(ascii: "\"") else { throw Unhandled() }
        let scanned = try scanString()
        let date: Date?
        if scanned.hasEscapes {
            date = RFC3339.parse(try makeString(scanned))
        } else {
            date = RFC3339.parse(utf8: UnsafeBufferPointer(rebasing: bytes[scanned.content]))
        }
        guard let date else { throw Unhandled() }
        return date
    }

    /// An RFC 3339 timestamp, or nil for `null`.
    mutating func readOptionalTimestamp() throws(Unhandled) -> Date? {
        if try consumeNull() { return nil }
        return try readTimestamp()
    }
}
