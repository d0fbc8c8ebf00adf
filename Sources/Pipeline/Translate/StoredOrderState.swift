import Foundation
import Ledger
import OrderModel

/// Converts between the state machine's `OrderState` and the ledger's `OrderStateRecord`.
///
/// `dimensionsJSON` holds the four dimensions at the top level (so any reader can decode
/// `OrderDimensions` from it) plus `facts` and `position`, which translate needs to decide stale and
/// duplicate events after a restart exactly as before it.
enum StoredOrderState {
    /// The document's shape (`CanonicalJSON.storedState` writes it; read with `decoder`).
    struct Payload: Codable {
        var payment: PaymentStatus
        var fulfillment: FulfillmentStatus
        var lifecycle: LifecycleStatus
        var returns: ReturnStatus
        var facts: OrderFacts?
        var position: EventPosition?

        enum CodingKeys: String, CodingKey {
            case payment
            case fulfillment
            case lifecycle
            case returns = "return"
            case facts
            case position
        }
    }

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// The ledger row for `state` at ledger `version`; `lastEventID` is the event just applied.
    static func record(_ state: OrderState, version: Int64, lastEventID: String) -> OrderStateRecord {
        let json = CanonicalJSON.storedState(state)
        return OrderStateRecord(
            orderKey: state.key.description, system: state.key.channel.rawValue,
            state: state.canonicalState.rawValue, dimensionsJSON: json, version: version,
            sourceTimestamp: state.sourceTimestamp, lastEventID: lastEventID,
            appliedEventIDs: state.appliedEventIDs)
    }

    /// The state machine's view of a ledger row; nil when the row is unreadable.
    static func state(_ record: OrderStateRecord) -> OrderState? {
        guard let key = OrderKey(record.orderKey),
            let payload = try? decoder.decode(Payload.self, from: Data(record.dimensionsJSON.utf8))
        else { return nil }
        let position =
            payload.position
            ?? EventPosition(
                sourceTimestamp: record.sourceTimestamp ?? .distantPast, version: nil, eventID: record.lastEventID ?? ""
            )
        return OrderState(
            key: key,
            dimensions: OrderDimensions(
                payment: payload.payment, fulfillment: payload.fulfillment, lifecycle: payload.lifecycle,
                returns: payload.returns),
            facts: payload.facts ?? .none, position: position, appliedEventIDs: record.appliedEventIDs)
    }
}
