/// The keys of one JSON object a `JSONByteReader` client looks for; each field's `rawValue` (0–31) is
/// its bit in a `SeenKeys` mask.
protocol JSONKeySet: RawRepresentable, Sendable where RawValue == Int {
    /// The key of every field, as it appears in the JSON, indexed by length.
    static var lookup: JSONKeyLookup<Self> { get }
}

/// Keys grouped by byte length, so a key read from the input is compared only with keys of its length.
struct JSONKeyLookup<Field: Sendable>: Sendable {
    /// Entries sorted by key length; those of length `n` are `entries[starts[n]..<starts[n + 1]]`.
    private let entries: [(name: StaticString, field: Field)]
    private let starts: [Int]

    init(_ keys: [(name: StaticString, field: Field)]) {
        entries = keys.sorted { $0.name.utf8CodeUnitCount < $1.name.utf8CodeUnitCount }
        let longest = keys.map(\.name.utf8CodeUnitCount).max() ?? 0
        var starts = [Int](repeating: entries.count, count: longest + 2)
        for length in stride(from: longest, through: 0, by: -1) {
            starts[length] = entries.firstIndex { $0.name.utf8CodeUnitCount >= length } ?? entries.count
        }
        self.starts = starts
    }

    /// The field whose key is exactly the bytes of `key` in `reader`'s input, if any.
    @inline(__always)
    func field(_ key: Range<Int>, in reader: JSONByteReader) -> Field? {
        let length = key.count
        guard length + 1 < starts.count else { return nil }
        var position = starts[length]
        let end = starts[length + 1]
        while position < end {
            if reader.matches(key, entries[position].name) { return entries[position].field }
            position += 1
        }
        return nil
    }
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
    @inline(__always)
    func field<F: JSONKeySet>(_ key: Range<Int>, in _: F.Type) -> F? {
        F.lookup.field(key, in: self)
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
