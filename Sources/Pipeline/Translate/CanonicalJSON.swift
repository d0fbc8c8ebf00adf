import Foundation
import JSONText
import OrderModel

/// The JSON translate writes per record, without `JSONEncoder`: canonical event values and the
/// stored-state document of the ledger. `JSONEncoder` (through `Codable`) was about a tenth of the
/// stages' CPU; these writers produce the same documents — canonical events byte for byte as
/// ``CanonicalEvent/encoder`` (sorted keys, RFC 3339 dates, nil optionals left out), which the tests
/// check against it.
enum CanonicalJSON {
    /// How a document writes dates.
    enum DateStyle {
        /// `RFC3339.format` strings (canonical events).
        case rfc3339
        /// Milliseconds since 1970 as a number (the stored state, `JSONEncoder`'s `.millisecondsSince1970`).
        case millisecondsSince1970
    }

    /// `event` as ``CanonicalEvent/encoder`` writes it.
    static func bytes(of event: CanonicalEvent) -> [UInt8] {
        var w = JSONTextWriter(capacity: 1024)
        w.beginObject()
        w.key("channel")
        w.string(event.channel.rawValue)
        w.key("dimensions")
        write(event.dimensions, into: &w)
        if let target = event.erpTarget {
            w.key("erpTarget")
            w.beginObject()
            w.key("action")
            w.string(target.action.rawValue)
            w.key("status")
            w.string(target.status.rawValue)
            w.endObject()
        }
        w.key("eventID")
        w.string(event.eventID)
        w.key("facts")
        write(event.facts, dates: .rfc3339, into: &w)
        w.key("mappingVersion")
        w.int(event.mappingVersion)
        w.key("orderID")
        w.string(event.orderID)
        w.key("orderKey")
        w.string(event.orderKey.description)
        if let previous = event.previousDimensions {
            w.key("previousDimensions")
            write(previous, into: &w)
        }
        if let previous = event.previousState {
            w.key("previousState")
            w.string(previous.rawValue)
        }
        w.key("sourceEventID")
        w.string(event.sourceEventID)
        w.key("sourceKind")
        w.string(event.sourceKind)
        w.key("sourceTimestamp")
        write(event.sourceTimestamp, .rfc3339, into: &w)
        w.key("state")
        w.string(event.state.rawValue)
        w.key("traceID")
        w.string(event.traceID)
        w.key("version")
        w.int(event.version)
        w.endObject()
        return w.bytes
    }

    /// The stored-state document (see `StoredOrderState`): the four dimensions at the top level
    /// (keys as `OrderDimensions` codes them), then `facts` and `position`, dates in milliseconds.
    static func storedState(_ state: OrderState) -> String {
        var w = JSONTextWriter(capacity: 512)
        w.beginObject()
        w.key("facts")
        write(state.facts, dates: .millisecondsSince1970, into: &w)
        w.key("fulfillment")
        w.string(state.dimensions.fulfillment.rawValue)
        w.key("lifecycle")
        w.string(state.dimensions.lifecycle.rawValue)
        w.key("payment")
        w.string(state.dimensions.payment.rawValue)
        w.key("position")
        w.beginObject()
        w.key("eventID")
        w.string(state.position.eventID)
        w.key("sourceTimestamp")
        write(state.position.sourceTimestamp, .millisecondsSince1970, into: &w)
        if let version = state.position.version {
            w.key("version")
            w.int(version)
        }
        w.endObject()
        w.key("return")
        w.string(state.dimensions.returns.rawValue)
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private static func write(_ d: OrderDimensions, into w: inout JSONTextWriter) {
        w.beginObject()
        w.key("fulfillment")
        w.string(d.fulfillment.rawValue)
        w.key("lifecycle")
        w.string(d.lifecycle.rawValue)
        w.key("payment")
        w.string(d.payment.rawValue)
        w.key("return")
        w.string(d.returns.rawValue)
        w.endObject()
    }

    private static func write(_ facts: OrderFacts, dates: DateStyle, into w: inout JSONTextWriter) {
        w.beginObject()
        if let reason = facts.cancelReason {
            w.key("cancelReason")
            w.string(reason)
        }
        if let at = facts.cancelledAt {
            w.key("cancelledAt")
            write(at, dates, into: &w)
        }
        w.key("captureTransactionIDs")
        w.strings(facts.captureTransactionIDs)
        if let content = facts.content, let json = ContentJSON.text(content) {
            w.key("content")
            w.raw(json)
        }
        w.key("refundIDs")
        w.strings(facts.refundIDs)
        w.key("trackingNumbers")
        w.strings(facts.trackingNumbers)
        w.endObject()
    }

    private static func write(_ date: Date, _ style: DateStyle, into w: inout JSONTextWriter) {
        switch style {
        case .rfc3339: w.string(RFC3339.format(date))
        case .millisecondsSince1970: w.double(date.timeIntervalSince1970 * 1000)
        }
    }
}
