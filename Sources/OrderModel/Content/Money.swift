/// An amount of money in minor units of a two-decimal currency ("to the cent"), coded as decimal
/// text (`"12.34"`) the way Shopify and NetSuite write amounts. Parsing rounds half away from zero
/// beyond two decimals; a value that is not a decimal number does not parse.
public struct Money: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Hundredths of the currency unit.
    public var cents: Int64

    public init(cents: Int64) {
        self.cents = cents
    }

    /// Zero.
    public static let zero = Money(cents: 0)

    /// Parses decimal text such as `"12.3"`, `"-0.05"`, `"7"`; nil for anything else.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: [" "]))
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let wholeText = parts.first, !wholeText.isEmpty || parts.count == 2,
            wholeText.count <= 15, wholeText.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var cents = (Int64(wholeText) ?? 0) * 100
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 12, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            let digits = Array(fraction.utf8).map { Int64($0 - UInt8(ascii: "0")) }
            cents += (digits.first ?? 0) * 10 + (digits.count > 1 ? digits[1] : 0)
            if digits.count > 2, digits[2] >= 5 { cents += 1 }
        }
        self.cents = negative ? -cents : cents
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = String(try container.decode(Double.self))
        }
        guard let money = Money(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an amount: \(text.prefix(32))")
        }
        self = money
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `"12.34"`, `"-0.05"`.
    public var description: String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents &+ rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents &- rhs.cents) }
    public static func * (lhs: Money, rhs: Int) -> Money { Money(cents: lhs.cents &* Int64(rhs)) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
