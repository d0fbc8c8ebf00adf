import Foundation
import OrderModel

/// The compact binary form of a `ChannelObservation` in the `dl-observation` header (format 1):
/// a `0x01` byte, then the fields in declaration order — strings as a little-endian `UInt32`
/// length and UTF-8 bytes, dates as the bit pattern of their `timeIntervalSince1970` (exact),
/// optionals behind a `0`/`1` byte, string arrays as a `UInt32` count and strings. Encoding and
/// decoding cost a fraction of `JSONEncoder`/`JSONDecoder` (they were ~17% of the stages' CPU).
/// Anything unexpected decodes to nil (translate then parses the payload).
enum ObservationCodec {
    static let formatV1: UInt8 = 1

    static func encode(_ observation: ChannelObservation) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(formatV1)
        write(observation.key.channel.rawValue, to: &out)
        write(observation.key.orderID, to: &out)
        write(observation.eventID, to: &out)
        write(observation.kind, to: &out)
        write(observation.sourceTimestamp, to: &out)
        if let version = observation.version {
            out.append(1)
            write(UInt64(bitPattern: version), to: &out)
        } else {
            out.append(0)
        }
        let dimensions = observation.dimensions
        write(dimensions.payment.rawValue, to: &out)
        write(dimensions.fulfillment.rawValue, to: &out)
        write(dimensions.lifecycle.rawValue, to: &out)
        write(dimensions.returns.rawValue, to: &out)
        let facts = observation.facts
        write(facts.trackingNumbers, to: &out)
        write(facts.captureTransactionIDs, to: &out)
        write(facts.refundIDs, to: &out)
        if let cancelledAt = facts.cancelledAt {
            out.append(1)
            write(cancelledAt, to: &out)
        } else {
            out.append(0)
        }
        if let reason = facts.cancelReason {
            out.append(1)
            write(reason, to: &out)
        } else {
            out.append(0)
        }
        // The order's content, when there is one: a trailing string holding its JSON (records without
        // it end here, as before).
        if let content = facts.content, let json = ContentJSON.text(content) { write(json, to: &out) }
        return out
    }

    static func decode(_ bytes: [UInt8]) -> ChannelObservation? {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == formatV1,
            let channel = reader.string().flatMap(Channel.init(rawValue:)),
            let orderID = reader.string(), let eventID = reader.string(), let kind = reader.string(),
            let timestamp = reader.date(), let hasVersion = reader.byte()
        else { return nil }
        var version: Int64?
        if hasVersion == 1 {
            guard let bits = reader.uint64() else { return nil }
            version = Int64(bitPattern: bits)
        } else if hasVersion != 0 {
            return nil
        }
        guard let payment = reader.string().flatMap(PaymentStatus.init(rawValue:)),
            let fulfillment = reader.string().flatMap(FulfillmentStatus.init(rawValue:)),
            let lifecycle = reader.string().flatMap(LifecycleStatus.init(rawValue:)),
            let returns = reader.string().flatMap(ReturnStatus.init(rawValue:)),
            let tracking = reader.strings(), let captures = reader.strings(), let refunds = reader.strings(),
            let hasCancelledAt = reader.byte()
        else { return nil }
        var facts = OrderFacts()
        facts.trackingNumbers = tracking
        facts.captureTransactionIDs = captures
        facts.refundIDs = refunds
        switch hasCancelledAt {
        case 0: break
        case 1:
            guard let date = reader.date() else { return nil }
            facts.cancelledAt = date
        default: return nil
        }
        switch reader.byte() {
        case 0: break
        case 1:
            guard let reason = reader.string() else { return nil }
            facts.cancelReason = reason
        default: return nil
        }
        if !reader.atEnd {
            guard let json = reader.string(), let content = ContentJSON.content(json), reader.atEnd else { return nil }
            facts.content = content
        }
        return ChannelObservation(
            key: OrderKey(channel: channel, orderID: orderID), eventID: eventID, kind: kind,
            sourceTimestamp: timestamp, version: version,
            dimensions: OrderDimensions(
                payment: payment, fulfillment: fulfillment, lifecycle: lifecycle, returns: returns),
            facts: facts)
    }

    private static func write(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func write(_ date: Date, to out: inout [UInt8]) {
        write(date.timeIntervalSince1970.bitPattern, to: &out)
    }

    private static func write(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: utf8)
        }
    }

    private static func write(_ strings: [String], to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: strings.count).littleEndian) { out.append(contentsOf: $0) }
        for string in strings { write(string, to: &out) }
    }

    /// Bounds-checked reading; every accessor returns nil past the end.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func uint32() -> UInt32? {
            guard bytes.count - position >= 4 else { return nil }
            var value: UInt32 = 0
            for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * index) }
            position += 4
            return value
        }

        mutating func uint64() -> UInt64? {
            guard bytes.count - position >= 8 else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * index) }
            position += 8
            return value
        }

        mutating func date() -> Date? {
            uint64().map { Date(timeIntervalSince1970: Double(bitPattern: $0)) }
        }

        mutating func string() -> String? {
            guard let length = uint32().map(Int.init), bytes.count - position >= length else { return nil }
            let text = bytes.withUnsafeBufferPointer { buffer in
                String(validating: UnsafeBufferPointer(rebasing: buffer[position..<(position + length)]), as: UTF8.self)
            }
            position += length
            return text
        }

        mutating func strings() -> [String]? {
            guard let count = uint32().map(Int.init), count <= bytes.count - position else { return nil }
            var result: [String] = []
            result.reserveCapacity(count)
            for _ in 0..<count {
                guard let string = string() else { return nil }
                result.append(string)
            }
            return result
        }
    }
}
