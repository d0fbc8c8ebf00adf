/// Keys grouped by byte length, so a key read from the input is compared only with keys of its length.
public struct JSONKeyLookup<Field: Sendable>: Sendable {
    /// Entries sorted by key length; those of length `n` are `entries[starts[n]..<starts[n + 1]]`.
    @usableFromInline let entries: [(name: StaticString, field: Field)]
    /// Where the entries of each key length start (one past the longest: `entries.count`).
    @usableFromInline let starts: [Int]

    /// A lookup of `keys`: each key's bytes as they appear in the JSON (plain ASCII, no escapes) and
    /// its field.
    public init(_ keys: [(name: StaticString, field: Field)]) {
        entries = keys.sorted { $0.name.utf8CodeUnitCount < $1.name.utf8CodeUnitCount }
        let longest = keys.map(\.name.utf8CodeUnitCount).max() ?? 0
        var starts = [Int](repeating: entries.count, count: longest + 2)
        for length in stride(from: longest, through: 0, by: -1) {
            starts[length] = entries.firstIndex { $0.name.utf8CodeUnitCount >= length } ?? entries.count
        }
        self.starts = starts
    }

    /// The field whose key is exactly the bytes of `key` in `reader`'s input, if any.
    @inlinable @inline(__always)
    public func field(_ key: Range<Int>, in reader: JSONByteReader) -> Field? {
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
