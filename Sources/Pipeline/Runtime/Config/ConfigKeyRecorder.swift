import Foundation
import Yams

/// Finds keys of a YAML configuration file that no setting reads.
///
/// The known keys are not listed by hand: the file is decoded once more into the same `Decodable`
/// types that read it, through a lenient decoder that records every key those types ask for (and the
/// maps that take any key, such as `kafka.properties`). A key of the file nobody asked for is unknown.
/// Run only after the real decode succeeded: this decoder never throws, it only listens.
enum ConfigKeyRecorder {
    /// An unknown key: its path (`ingest.shopify.secretfile`) and the closest known path.
    struct UnknownKey: Sendable, Equatable {
        var path: String
        var suggestion: String?

        /// The message a start-up error carries.
        var message: String {
            "unknown key '\(path)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        }
    }

    /// The first key of `yaml` (in document order) that none of `types` reads and no row of the
    /// settings table names, or nil.
    static func firstUnknownKey(in yaml: String, readBy types: [any Decodable.Type]) -> UnknownKey? {
        guard let root = try? Yams.compose(yaml: yaml) else { return nil }
        let record = Record()
        let table = SettingsTable.knownKeys
        record.asked.formUnion(table.asked)
        record.anyKeys.formUnion(table.anyKeys)
        for type in types {
            _ = try? type.init(from: NodeDecoder(node: root, path: [], record: record))
        }
        return walk(root, path: [], record: record)
    }

    private static func walk(_ node: Node, path: [String], record: Record) -> UnknownKey? {
        switch node {
        case .mapping(let mapping):
            let here = Record.key(path)
            if record.anyKeys.contains(here) { return nil }
            for (keyNode, value) in mapping {
                let name = keyNode.string ?? ""
                let child = path + [name]
                guard record.asked.contains(Record.key(child)) else {
                    let siblings = record.asked.compactMap { known -> String? in
                        guard known.hasPrefix(here.isEmpty ? "" : here + "."), known != here else { return nil }
                        let rest = known.dropFirst(here.isEmpty ? 0 : here.count + 1)
                        return rest.contains(".") || rest.contains("[") ? nil : String(rest)
                    }
                    let best = closest(to: name, among: siblings)
                    return UnknownKey(path: display(child), suggestion: best.map { display(path + [$0]) })
                }
                if let found = walk(value, path: child, record: record) { return found }
            }
            return nil
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                if let found = walk(item, path: path + ["[\(index)]"], record: record) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// `["alerts", "rules", "[0]", "threshold"]` → `alerts.rules[0].threshold`.
    static func display(_ path: [String]) -> String {
        var text = ""
        for part in path {
            if part.hasPrefix("[") || text.isEmpty { text += part } else { text += "." + part }
        }
        return text
    }

    /// The candidate with the smallest edit distance (case differences cost least), if any.
    static func closest(to name: String, among candidates: [String]) -> String? {
        candidates.min { a, b in
            let scoreA = (editDistance(a.lowercased(), name.lowercased()), editDistance(a, name), a)
            let scoreB = (editDistance(b.lowercased(), name.lowercased()), editDistance(b, name), b)
            return scoreA < scoreB
        }
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The keys asked for and the maps that take any key, as dotted paths (`[i]` for list items).
    final class Record {
        var asked: Set<String> = []
        var anyKeys: Set<String> = []

        static func key(_ path: [String]) -> String { ConfigKeyRecorder.display(path) }
    }

    /// A `Decoder` over a composed YAML node that records the keys asked for and never fails.
    struct NodeDecoder: Decoder {
        let node: Node
        let path: [String]
        let record: Record
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(decoder: self))
        }

        func unkeyedContainer() -> any UnkeyedDecodingContainer {
            Unkeyed(decoder: self)
        }

        func singleValueContainer() -> any SingleValueDecodingContainer {
            Single(decoder: self)
        }

        func child(_ node: Node, _ component: String) -> NodeDecoder {
            NodeDecoder(node: node, path: path + [component], record: record)
        }

        var mapping: Node.Mapping? {
            if case .mapping(let mapping) = node { return mapping }
            return nil
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { [] }

        var allKeys: [Key] {
            decoder.record.anyKeys.insert(Record.key(decoder.path))
            let names = decoder.mapping.map { $0.keys.compactMap(\.string) } ?? []
            return names.compactMap { Key(stringValue: $0) }
        }

        private func value(_ key: Key) -> Node? {
            decoder.record.asked.insert(Record.key(decoder.path + [key.stringValue]))
            return decoder.mapping?[key.stringValue]
        }

        func contains(_ key: Key) -> Bool { value(key) != nil }

        func decodeNil(forKey key: Key) -> Bool {
            guard let node = value(key) else { return true }
            return node.null != nil
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decode(type, key)
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

        private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
            let node = value(key) ?? Node("")
            return try T(from: decoder.child(node, key.stringValue))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key)
            -> KeyedDecodingContainer<NestedKey>
        {
            decoder.child(value(key) ?? Node([(Node, Node)]()), key.stringValue).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer {
            decoder.child(value(key) ?? Node([Node]()), key.stringValue).unkeyedContainer()
        }

        func superDecoder() -> any Decoder { decoder }
        func superDecoder(forKey key: Key) -> any Decoder {
            decoder.child(value(key) ?? Node(""), key.stringValue)
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { [] }
        var currentIndex = 0

        init(decoder: NodeDecoder) { self.decoder = decoder }

        private var items: [Node] {
            if case .sequence(let sequence) = decoder.node { return Array(sequence) }
            return []
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func decodeNil() -> Bool {
            guard !isAtEnd else { return true }
            if items[currentIndex].null != nil {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next(type)
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) }

        private mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
            let index = currentIndex
            currentIndex += 1
            let node = index < items.count ? items[index] : Node("")
            return try T(from: decoder.child(node, "[\(index)]"))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type)
            -> KeyedDecodingContainer<NestedKey>
        {
            let index = currentIndex
            currentIndex += 1
            let node = index < items.count ? items[index] : Node([(Node, Node)]())
            return decoder.child(node, "[\(index)]").container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer {
            let index = currentIndex
            currentIndex += 1
            let node = index < items.count ? items[index] : Node([Node]())
            return decoder.child(node, "[\(index)]").unkeyedContainer()
        }

        mutating func superDecoder() -> any Decoder { decoder }
    }

    /// Scalars: the text converted where it can be, a neutral value otherwise (this decoder only listens).
    struct Single: SingleValueDecodingContainer {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { [] }

        private var text: String { decoder.node.string ?? "" }

        func decodeNil() -> Bool { decoder.node.null != nil }
        func decode(_ type: Bool.Type) -> Bool { decoder.node.bool ?? false }
        func decode(_ type: String.Type) -> String { text }
        func decode(_ type: Double.Type) -> Double { Double(text) ?? 0 }
        func decode(_ type: Float.Type) -> Float { Float(text) ?? 0 }
        func decode(_ type: Int.Type) -> Int { Int(text) ?? 0 }
        func decode(_ type: Int8.Type) -> Int8 { Int8(text) ?? 0 }
        func decode(_ type: Int16.Type) -> Int16 { Int16(text) ?? 0 }
        func decode(_ type: Int32.Type) -> Int32 { Int32(text) ?? 0 }
        func decode(_ type: Int64.Type) -> Int64 { Int64(text) ?? 0 }
        func decode(_ type: UInt.Type) -> UInt { UInt(text) ?? 0 }
        func decode(_ type: UInt8.Type) -> UInt8 { UInt8(text) ?? 0 }
        func decode(_ type: UInt16.Type) -> UInt16 { UInt16(text) ?? 0 }
        func decode(_ type: UInt32.Type) -> UInt32 { UInt32(text) ?? 0 }
        func decode(_ type: UInt64.Type) -> UInt64 { UInt64(text) ?? 0 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
    }
}
