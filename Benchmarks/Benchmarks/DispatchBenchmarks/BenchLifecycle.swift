import Foundation
import Kafka
import OrderModel
import Pipeline

/// Ten canonical changes per order (placed → … → partly refunded), as translate writes them, and
/// the ERP writes they need (the pure planner against a local view: the requests both contenders make).
enum BenchLifecycle {
    static func events(orders: Int, matrix: MappingMatrix) -> [[CanonicalEvent]] {
        (0..<orders).map { index in
            let key = OrderKey(channel: .shopify, orderID: "B\(100_000 + index)")
            var facts = OrderFacts()
            var steps: [(OrderDimensions, OrderFacts)] = [(OrderDimensions(), facts)]
            steps.append((OrderDimensions(payment: .authorized), facts))
            facts.captureTransactionIDs = ["ch_\(index)"]
            steps.append((OrderDimensions(payment: .captured), facts))
            facts.trackingNumbers = ["1Z\(index)A"]
            steps.append((OrderDimensions(payment: .captured, fulfillment: .partial), facts))
            facts.trackingNumbers.append("1Z\(index)B")
            steps.append((OrderDimensions(payment: .captured, fulfillment: .partial), facts))
            steps.append((OrderDimensions(payment: .captured, fulfillment: .fulfilled), facts))
            steps.append((OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed), facts))
            steps.append(
                (
                    OrderDimensions(
                        payment: .captured, fulfillment: .fulfilled, lifecycle: .closed, returns: .initiated), facts
                ))
            steps.append(
                (
                    OrderDimensions(
                        payment: .captured, fulfillment: .fulfilled, lifecycle: .closed, returns: .received), facts
                ))
            facts.refundIDs = ["re_\(index)"]
            steps.append(
                (
                    OrderDimensions(
                        payment: .partiallyRefunded, fulfillment: .fulfilled, lifecycle: .closed, returns: .received),
                    facts
                ))
            return steps.enumerated().map { offset, step in
                let state = step.0.canonicalState
                return CanonicalEvent(
                    eventID: "canonical:\(key):e\(offset)", orderKey: key, channel: key.channel, orderID: key.orderID,
                    sourceEventID: "e\(offset)", sourceKind: "orders/updated", sourceTimestamp: Date(),
                    previousState: nil, state: state, previousDimensions: nil, dimensions: step.0, facts: step.1,
                    erpTarget: matrix.erpTarget(for: state), version: Int64(offset + 1), mappingVersion: matrix.version,
                    traceID: "bench")
            }
        }
    }

    /// The writes each order needs, in order.
    static func effects(_ orders: [[CanonicalEvent]]) -> [[ERPEffect]] {
        orders.map { events in
            var view: ERPView?
            var effects: [ERPEffect] = []
            for event in events {
                let plan = ERPEffectPlanner.plan(
                    orderKey: event.orderKey, version: event.version, target: event.erpTarget,
                    dimensions: event.dimensions, facts: event.facts, erp: view)
                for effect in plan.effects {
                    view = ERPView.applying(effect, to: view, salesOrderID: "local")
                    effects.append(effect)
                }
            }
            return effects
        }
    }

    static func record(_ event: CanonicalEvent, topic: String) throws -> ProducerRecord {
        let envelope = Envelope(
            eventID: event.eventID, channel: event.channel, orderID: event.orderID,
            kind: "canonical/\(event.state.rawValue)", traceID: event.traceID)
        return ProducerRecord(
            topic: topic, key: event.orderKey.bytes, value: Array(try CanonicalEvent.encoder.encode(event)),
            headers: envelope.headers)
    }
}
