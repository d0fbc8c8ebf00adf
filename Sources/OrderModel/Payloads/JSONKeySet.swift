/// The keys of one JSON object a `JSONByteReader` client looks for; each field's `rawValue` (0–31) is
/// its bit in a `SeenKeys` mask.
protocol JSONKeySet: RawRepresentable where RawValue == Int {
    /// The key of every field, as it appears in the JSON.
    static var keys: [(name: StaticString, field: Self)] { get }
}

/// Which fields of one object were seen, so that a repeated key can be skipped: `JSONDecoder` keeps the
/// **first** occurrence of a duplicate key.
struct SeenKeys {
    private var bits: UInt32 = 0

    /// True the first time `field` is inserted.
    mutating func insert<F: JSONKeySet>(_ field: F) -> Bool {
        let bit = UInt32(1) << UInt32(field.rawValue & 31)
        defer { bits |= bit }
        return bits & bit == 0
    }
}

extension JSONByteReader {
    /// The field of `F` whose key is exactly the bytes of `key`, if any.
    func field<F: JSONKeySet>(_ key: Range<Int>, in _: F.Type) -> F? {
        for entry in F.keys where matches(key, entry.name) { return entry.field }
        return nil
    }

    /// An array (each element read by `element`), or nil for `null`.
    mutating func readOptionalArray<T>(
        _ element: (inout JSONByteReader) throws(Unhandled) -> T
    ) throws(Unhandled) -> [T]? {
        if try consumeNull() { return nil }
        try beginArray()
        var out: [T] = []
        var first = true
        while try nextElement(&first) { out.append(try element(&self)) }
        return out
    }
}
