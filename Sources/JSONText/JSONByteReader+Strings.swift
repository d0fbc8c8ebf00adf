/// Strings: scanning (with full validation) and materialising.
extension JSONByteReader {
    /// A scanned string: the range of its bytes between the quotes, and whether it holds escapes.
    public struct ScannedString: Sendable, Hashable {
        /// The offsets of the string's bytes in ``JSONByteReader/bytes``, quotes excluded.
        public var content: Range<Int>
        /// Whether `content` holds escapes (then ``JSONByteReader/makeString(_:)`` resolves them).
        public var hasEscapes: Bool

        /// A scanned string of `content`, with or without escapes.
        @inlinable
        public init(content: Range<Int>, hasEscapes: Bool) {
            self.content = content
            self.hasEscapes = hasEscapes
        }
    }

    /// Scans the string at the reader (at its opening quote), validating escapes (unpaired surrogates
    /// refused), UTF-8 (strictly) and the absence of raw control characters.
    @inlinable
    public mutating func scanString() throws(Unhandled) -> ScannedString {
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { throw Unhandled() }
        cursor += 1
        let start = cursor
        var hasEscapes = false
        while true {
            skipPlainASCII()
            var byte: UInt8 = 0
            while cursor < bytes.count {
                byte = bytes[cursor]
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { break }
                cursor += 1
            }
            guard cursor < bytes.count else { throw Unhandled() }
            if byte == UInt8(ascii: "\"") {
                cursor += 1
                return ScannedString(content: start..<(cursor - 1), hasEscapes: hasEscapes)
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw Unhandled()
            } else {
                cursor += try Self.utf8SequenceLength(bytes, at: cursor)
            }
        }
    }

    /// Advances over printable ASCII other than `"` and `\\` (the bulk of most strings) a word at a
    /// time, stopping at the first byte that needs a look — or up to 7 bytes before the buffer's end.
    @inlinable @inline(__always)
    mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        while bytes.count - cursor >= 8 {
            let word = UInt64(
                littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: cursor, as: UInt64.self))
            let special = Self.specialBytes(word)
            if special != 0 {
                cursor += special.trailingZeroBitCount >> 3
                return
            }
            cursor += 8
        }
    }

    /// SWAR: the high bit of each byte of `word` (first byte lowest) that is < 0x20, `"`, `\\` or >= 0x80.
    /// A borrow can only flag a byte above one that really is special, so whether the result is zero, and
    /// its lowest set bit, are exact.
    @inlinable @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (word &- ones &* 0x20) & ~word
        return (isQuote | isBackslash | isControl | word) & (ones &* 0x80)
    }

    /// Validates the escape at the reader (at its backslash) and advances over it.
    @inlinable
    mutating func scanEscape() throws(Unhandled) {
        guard cursor + 1 < bytes.count else { throw Unhandled() }
        switch bytes[cursor + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            cursor += 2
        case UInt8(ascii: "u"):
            let unit = try Self.hex4(bytes, at: cursor + 2)
            cursor += 6
            if unit >= 0xD800 && unit < 0xDC00 {
                guard cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "\\"),
                    bytes[cursor + 1] == UInt8(ascii: "u")
                else { throw Unhandled() }
                let low = try Self.hex4(bytes, at: cursor + 2)
                guard low >= 0xDC00 && low < 0xE000 else { throw Unhandled() }
                cursor += 6
            } else if unit >= 0xDC00 && unit < 0xE000 {
                throw Unhandled()
            }
        default:
            throw Unhandled()
        }
    }

    /// Four hex digits at `offset` as a UTF-16 code unit.
    @inlinable
    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Unhandled) -> UInt32 {
        guard offset >= 0, bytes.count - offset >= 4 else { throw Unhandled() }
        var value: UInt32 = 0
        for position in offset..<(offset + 4) {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unhandled()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Length of the well-formed UTF-8 sequence of a non-ASCII scalar at `offset` (Unicode Table 3-7:
    /// no overlong forms, no surrogates, nothing above U+10FFFF).
    @inlinable
    static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Unhandled) -> Int {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF  // range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw Unhandled()
        }
        guard bytes.count - offset >= length else { throw Unhandled() }
        let second = bytes[offset + 1]
        guard second >= low && second <= high else { throw Unhandled() }
        var position = offset + 2
        while position < offset + length {
            guard bytes[position] & 0xC0 == 0x80 else { throw Unhandled() }
            position += 1
        }
        return length
    }

    // MARK: Values

    /// A string value (`null` and other types are `Unhandled`).
    @inlinable
    public mutating func readString() throws(Unhandled) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw Unhandled() }
        return try makeString(scanString())
    }

    /// A string value, or nil for `null`.
    @inlinable
    public mutating func readOptionalString() throws(Unhandled) -> String? {
        if try consumeNull() { return nil }
        return try readString()
    }

    /// The string's value: its bytes as they are, or with escapes resolved.
    @inlinable
    public func makeString(_ scanned: ScannedString) throws(Unhandled) -> String {
        guard scanned.hasEscapes else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[scanned.content]), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(scanned.content.count)
        var position = scanned.content.lowerBound
        let end = scanned.content.upperBound
        while position < end {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            guard position + 1 < end else { throw Unhandled() }
            position += 2
            switch bytes[position - 1] {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try Self.hex4(bytes, at: position)
                position += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // Paired with a low surrogate: checked by scanString.
                    let low = try Self.hex4(bytes, at: position + 2)
                    position += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low & 0x3FF)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Unhandled() }
                UTF8.encode(unicode) { out.append($0) }
            case let other: out.append(other)  // `"`, `\`, `/`: scanString allowed only these
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
