import Foundation
import JSONText

/// What the content reader reads beyond the status reader: integers, amounts and numbers as the
/// `Decodable` types of `ShopifyOrderContent` read them through `JSONDecoder`.
extension JSONByteReader {
    /// `decodeIfPresent(Int.self)`: a plain JSON integer, or nil for `null` (fractions, exponents and
    /// overflow are `Unhandled`).
    mutating func readOptionalInt() throws(Unhandled) -> Int? {
        if try consumeNull() { return nil }
        guard let value = Int(try readInt64Text()) else { throw Unhandled() }
        return value
    }

    /// `decode(Int.self)`: a plain JSON integer (`null`, other types and numbers are `Unhandled`).
    mutating func readInt() throws(Unhandled) -> Int {
        guard try !consumeNull(), let value = try readOptionalInt() else { throw Unhandled() }
        return value
    }

    /// `decodeIfPresent(Money.self)`: nil for `null`, else as `readMoney`.
    mutating func readOptionalMoney() throws(Unhandled) -> Money? {
        if try consumeNull() { return nil }
        return try readMoney()
    }

    /// An amount as `Money.init(from:)` reads it: a string that `Money(_:)` parses, or a number through
    /// `Double` and its description. Anything `Money(_:)` refuses is `Unhandled`.
    mutating func readMoney() throws(Unhandled) -> Money {
        guard try peek() == UInt8(ascii: "\"") else {
            guard let money = Money(String(try readPlainDouble())) else { throw Unhandled() }
            return money
        }
        let scanned = try scanString()
        if !scanned.hasEscapes, let money = Self.plainMoney(UnsafeBufferPointer(rebasing: bytes[scanned.content])) {
            return money
        }
        guard let money = Money(try makeString(scanned)) else { throw Unhandled() }
        return money
    }

    /// A JSON number without an exponent (at most 40 bytes, so always finite) as `Double`; `JSONDecoder`
    /// and `Double(_:)` both round it correctly. Other numbers and types are `Unhandled`.
    mutating func readPlainDouble() throws(Unhandled) -> Double {
        let lead = try peek()
        guard lead == UInt8(ascii: "-") || (lead >= UInt8(ascii: "0") && lead <= UInt8(ascii: "9")) else {
            throw Unhandled()
        }
        let start = index
        try skipValue()
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        guard text.count <= 40, !text.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }),
            let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite
        else { throw Unhandled() }
        return value
    }

    /// `Money(_:)` of the common spelling `-?[0-9]{1,15}(\.[0-9]{1,12})?`, straight from the bytes (the
    /// same cents, rounding half away from zero on the third decimal); nil for any other spelling.
    static func plainMoney(_ text: UnsafeBufferPointer<UInt8>) -> Money? {
        var position = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { position = 1 }
        var whole: Int64 = 0
        let wholeStart = position
        while position < text.count, text[position] &- UInt8(ascii: "0") < 10 {
            whole = whole * 10 + Int64(text[position] &- UInt8(ascii: "0"))
            position += 1
            guard position - wholeStart <= 15 else { return nil }
        }
        guard position > wholeStart else { return nil }
        var cents = whole * 100
        if position < text.count {
            guard text[position] == UInt8(ascii: "."), text.count - position - 1 >= 1,
                text.count - position - 1 <= 12
            else { return nil }
            position += 1
            var digitIndex = 0
            while position < text.count {
                let digit = text[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                switch digitIndex {
                case 0: cents += Int64(digit) * 10
                case 1: cents += Int64(digit)
                case 2: if digit >= 5 { cents += 1 }
                default: break
                }
                digitIndex += 1
                position += 1
            }
        }
        return Money(cents: negative ? -cents : cents)
    }
}
