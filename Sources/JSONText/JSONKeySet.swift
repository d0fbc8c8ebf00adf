/// The keys of one JSON object a `JSONByteReader` client looks for; each field's `rawValue` (0–31) is
/// its bit in a `SeenKeys` mask.
public protocol JSONKeySet: RawRepresentable, Sendable where RawValue == Int {
    /// The key of every field, as it appears in the JSON, indexed by length.
    static var lookup: JSONKeyLookup<Self> { get }
}

extension JSONByteReader {
    /// The field of `F` whose key is exactly the bytes of `key`, if any.
    @inlinable @inline(__always)
    public func field<F: JSONKeySet>(_ key: Range<Int>, in _: F.Type) -> F? {
        F.lookup.field(key, in: self)
    }
}
