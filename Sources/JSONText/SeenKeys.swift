/// Which fields of one object were seen, so that a repeated key can be skipped: `JSONDecoder` keeps the
/// **first** occurrence of a duplicate key.
public struct SeenKeys: Sendable {
    /// One bit per field (its `rawValue`, 0–31).
    @usableFromInline var bits: UInt32 = 0

    /// No field seen yet.
    @inlinable
    public init() {}

    /// True the first time `field` is inserted.
    @inlinable
    public mutating func insert<F: JSONKeySet>(_ field: F) -> Bool {
        let bit = UInt32(1) << UInt32(field.rawValue & 31)
        defer { bits |= bit }
        return bits & bit == 0
    }
}
