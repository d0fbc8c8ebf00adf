/// A forward-only, single-pass reader over UTF-8 JSON bytes that never builds a tree: it reads the
/// values its caller asks for and skips (while validating) everything else.
///
/// It is deliberately **stricter** than `JSONDecoder`: strict RFC 8259 grammar (no trailing commas,
/// no leading zeros, …), strictly valid UTF-8, no raw control characters in strings, no unpaired
/// surrogate escapes, at most `maxDepth` nested containers, no escapes in keys. Anything outside that
/// throws `Unhandled`, and the caller then falls back to `JSONDecoder`, so a fast-path result is only
/// ever produced for input both agree on. Every read is bounds-checked against the buffer.
///
/// It knows JSON only; what the values mean (ids, timestamps, field names) is its callers' business.
/// Its methods are `@inlinable` so that a caller in another module reads at the speed it did when
/// the reader lived next to it (the Shopify fast path calls them once or more per key).
public struct JSONByteReader {
    /// The input is outside what this reader handles; decode it another way.
    public struct Unhandled: Error {
        /// The error; it carries nothing: the caller decodes the input another way.
        @inlinable public init() {}
    }

    /// Deepest nesting handled (`JSONDecoder` rejects 512 and more; real bodies nest < 10).
    public static let maxDepth = 128

    /// The input: UTF-8 JSON text, read in place (it must stay valid while the reader is used).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Offset of the next unread byte.
    public var index: Int { cursor }
    /// Offset of the next unread byte (settable only here, so every read stays bounds-checked).
    @usableFromInline var cursor = 0
    /// Containers entered and not yet closed.
    @usableFromInline var depth = 0

    /// A reader at the first byte of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Bytes and whitespace

    /// Advances over JSON whitespace (space, tab, line feed, carriage return).
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while cursor < bytes.count {
            switch bytes[cursor] {
            case 0x20, 0x0A, 0x0D, 0x09: cursor += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed.
    @inlinable @inline(__always)
    public mutating func peek() throws(Unhandled) -> UInt8 {
        skipWhitespace()
        guard cursor < bytes.count else { throw Unhandled() }
        return bytes[cursor]
    }

    /// Only whitespace is left.
    @inlinable
    public mutating func expectEnd() throws(Unhandled) {
        skipWhitespace()
        guard cursor == bytes.count else { throw Unhandled() }
    }

    // MARK: Containers

    /// Consumes the `{` of an object (anything else, `null` included, is `Unhandled`).
    @inlinable
    public mutating func beginObject() throws(Unhandled) {
        guard try peek() == UInt8(ascii: "{") else { throw Unhandled() }
        try enter()
    }

    /// Consumes the `[` of an array (anything else is `Unhandled`).
    @inlinable
    public mutating func beginArray() throws(Unhandled) {
        guard try peek() == UInt8(ascii: "[") else { throw Unhandled() }
        try enter()
    }

    /// Consumes a container's opening byte, one level deeper (at most ``maxDepth``).
    @inlinable
    mutating func enter() throws(Unhandled) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Unhandled() }
        cursor += 1
    }

    /// The next key of the object being read — the range of its bytes between the quotes (no escapes)
    /// — leaving the reader at its value; nil once the closing `}` is consumed. `first` starts true.
    @inlinable
    public mutating func nextKey(_ first: inout Bool) throws(Unhandled) -> Range<Int>? {
        var byte = try peek()
        if byte == UInt8(ascii: "}") {
            // `{"a": 1,}` is not JSON: a `}` may only follow `{` or a value.
            cursor += 1
            depth -= 1
            return nil
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw Unhandled() }
            cursor += 1
            byte = try peek()
        }
        guard byte == UInt8(ascii: "\"") else { throw Unhandled() }
        let key = try scanString()
        guard !key.hasEscapes, try peek() == UInt8(ascii: ":") else { throw Unhandled() }
        cursor += 1
        return key.content
    }

    /// Whether another element of the array being read follows (the reader is then at it); false once
    /// the closing `]` is consumed. `first` starts true.
    @inlinable
    public mutating func nextElement(_ first: inout Bool) throws(Unhandled) -> Bool {
        let byte = try peek()
        if byte == UInt8(ascii: "]") {
            cursor += 1
            depth -= 1
            return false
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw Unhandled() }
            cursor += 1
            // A `]` right after `,` is caught by the element reader (it is not a value).
        }
        return true
    }

    /// An array (each element read by `element`), or nil for `null`.
    @inlinable
    public mutating func readOptionalArray<T>(
        _ element: (inout JSONByteReader) throws(Unhandled) -> T
    ) throws(Unhandled) -> [T]? {
        if try consumeNull() { return nil }
        try beginArray()
        var out: [T] = []
        var first = true
        while try nextElement(&first) { out.append(try element(&self)) }
        return out
    }

    /// Whether the key's bytes are exactly `name`.
    @inlinable
    public func matches(_ key: Range<Int>, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { literal in
            var offset = 0
            while offset < literal.count {
                guard bytes[key.lowerBound + offset] == literal[offset] else { return false }
                offset += 1
            }
            return true
        }
    }

    // MARK: Scalars and skipping

    /// Consumes `null` if it is next; true when it did.
    @inlinable
    public mutating func consumeNull() throws(Unhandled) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try consumeLiteral("null")
        return true
    }

    /// Consumes exactly `literal` (`true`, `false`, `null`) or throws.
    @inlinable
    mutating func consumeLiteral(_ literal: StaticString) throws(Unhandled) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - cursor >= count else { throw Unhandled() }
        let start = cursor
        let equal = literal.withUTF8Buffer { text in
            var offset = 0
            while offset < count {
                guard bytes[start + offset] == text[offset] else { return false }
                offset += 1
            }
            return true
        }
        guard equal else { throw Unhandled() }
        cursor += count
    }

    /// Skips one value of any type, validating it.
    @inlinable
    public mutating func skipValue() throws(Unhandled) {
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "{"):
            try enter()
            var first = true
            while try nextKey(&first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try enter()
            var first = true
            while try nextElement(&first) { try skipValue() }
        case UInt8(ascii: "t"): try consumeLiteral("true")
        case UInt8(ascii: "f"): try consumeLiteral("false")
        case UInt8(ascii: "n"): try consumeLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw Unhandled()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    @inlinable
    mutating func skipNumber() throws(Unhandled) {
        if bytes[cursor] == UInt8(ascii: "-") { cursor += 1 }
        guard cursor < bytes.count, Self.isDigit(bytes[cursor]) else { throw Unhandled() }
        if bytes[cursor] == UInt8(ascii: "0") { cursor += 1 } else { skipDigits() }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") {
            cursor += 1
            guard cursor < bytes.count, Self.isDigit(bytes[cursor]) else { throw Unhandled() }
            skipDigits()
        }
        if cursor < bytes.count, bytes[cursor] | 0x20 == UInt8(ascii: "e") {
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-") {
                cursor += 1
            }
            guard cursor < bytes.count, Self.isDigit(bytes[cursor]) else { throw Unhandled() }
            skipDigits()
        }
    }

    /// Advances over decimal digits.
    @inlinable
    mutating func skipDigits() {
        while cursor < bytes.count, Self.isDigit(bytes[cursor]) { cursor += 1 }
    }

    /// Whether `byte` is an ASCII decimal digit.
    @inlinable @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// A plain JSON integer (`-?(0|[1-9][0-9]*)`) that fits `Int64`, as its decimal string. `-0`,
    /// fractions, exponents and overflow are `Unhandled` (`JSONDecoder` has its own rules for them).
    @inlinable
    public mutating func readInt64Text() throws(Unhandled) -> String {
        let negative = try peek() == UInt8(ascii: "-")
        if negative { cursor += 1 }
        guard cursor < bytes.count, Self.isDigit(bytes[cursor]) else { throw Unhandled() }
        var value: Int64 = 0
        if bytes[cursor] == UInt8(ascii: "0") {
            guard !negative else { throw Unhandled() }
            cursor += 1
        } else {
            while cursor < bytes.count, Self.isDigit(bytes[cursor]) {
                let digit = Int64(bytes[cursor] &- UInt8(ascii: "0"))
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                // Accumulate with the sign so Int64.min fits.
                let (next, overflow2) =
                    negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
                guard !overflow, !overflow2 else { throw Unhandled() }
                value = next
                cursor += 1
            }
        }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") || bytes[cursor] | 0x20 == UInt8(ascii: "e") {
            throw Unhandled()
        }
        return String(value)
    }
}
