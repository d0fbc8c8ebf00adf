import Foundation
import Kafka
import OrderModel
import Simulators

@testable import Pipeline

/// Realistic canonical streams for dispatch tests: every order's changes in version order
/// (interleaved across orders, shuffled), with some changes delivered twice, as translate emits
/// them (``CanonicalJSON``, envelope headers, the order key as record key).
enum CanonicalLifecycles {
    /// The kinds of order the stream mixes.
    enum Kind: CaseIterable {
        /// Placed → authorized → captured → partly shipped (two parcels) → shipped → closed →
        /// return → returned → partly refunded: ten changes.
        case happy
        /// Placed → authorized → captured → cancelled upstream → refunded.
        case cancelled
        /// Captured, then cancelled upstream while a stale change still asks to release the
        /// fulfilment (Pattern 4): the release must never happen.
        case cancelledWhileShipping
    }

    /// `orders` orders' changes (three in five happy, one cancelled, one cancelled while shipping), about `duplicateRatio` of them delivered a
    /// second time later in the stream.
    static func make(
        orders: Int, seed: UInt64, duplicateRatio: Double = 0.1, matrix: MappingMatrix, prefix: String = "D"
    ) -> [CanonicalEvent] {
        var random = SeededRandom(seed: seed)
        var perOrder: [[CanonicalEvent]] = []
        for index in 0..<orders {
            let key = OrderKey(channel: index % 2 == 0 ? .shopify : .amazon, orderID: "\(prefix)\(10_000 + index)")
            let kind: Kind = [.happy, .happy, .happy, .cancelled, .cancelledWhileShipping][index % 5]
            perOrder.append(lifecycle(key, kind: kind, matrix: matrix))
        }
        // Interleave: repeatedly take the next change of a random order that has one left.
        var cursors = Array(repeating: 0, count: perOrder.count)
        var open = Array(perOrder.indices)
        var stream: [CanonicalEvent] = []
        var pendingDuplicates: [(at: Int, event: CanonicalEvent)] = []
        while !open.isEmpty {
            let pick = Int.random(in: 0..<open.count, using: &random)
            let order = open[pick]
            let event = perOrder[order][cursors[order]]
            stream.append(event)
            if Double.random(in: 0..<1, using: &random) < duplicateRatio {
                pendingDuplicates.append((stream.count + Int.random(in: 1..<400, using: &random), event))
            }
            cursors[order] += 1
            if cursors[order] == perOrder[order].count { open.remove(at: pick) }
            while let due = pendingDuplicates.firstIndex(where: { $0.at <= stream.count }) {
                stream.append(pendingDuplicates.remove(at: due).event)
            }
        }
        stream += pendingDuplicates.map(\.event)
        return stream
    }

    static func lifecycle(_ key: OrderKey, kind: Kind, matrix: MappingMatrix) -> [CanonicalEvent] {
        let id = key.orderID
        var steps: [(OrderDimensions, OrderFacts, ERPTarget??)] = []
        var facts = OrderFacts()
        func step(_ dimensions: OrderDimensions, target: ERPTarget?? = nil) {
            steps.append((dimensions, facts, target))
        }
        step(OrderDimensions())
        step(OrderDimensions(payment: .authorized))
        facts.captureTransactionIDs = ["ch_\(id)_1"]
        step(OrderDimensions(payment: .captured))
        switch kind {
        case .happy:
            facts.trackingNumbers = ["1Z\(id)A"]
            step(OrderDimensions(payment: .captured, fulfillment: .partial))
            facts.trackingNumbers.append("1Z\(id)B")
            step(OrderDimensions(payment: .captured, fulfillment: .partial))
            facts.trackingNumbers.append("1Z\(id)C")
            step(OrderDimensions(payment: .captured, fulfillment: .fulfilled))
            step(OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed))
            step(OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed, returns: .initiated))
            step(OrderDimensions(payment: .captured, fulfillment: .fulfilled, lifecycle: .closed, returns: .received))
            facts.refundIDs = ["re_\(id)_1"]
            step(
                OrderDimensions(
                    payment: .partiallyRefunded, fulfillment: .fulfilled, lifecycle: .closed, returns: .received))
        case .cancelled:
            facts.cancelReason = "customer"
            step(OrderDimensions(payment: .captured, lifecycle: .cancelled))
            facts.refundIDs = ["re_\(id)_1"]
            step(OrderDimensions(payment: .refunded, lifecycle: .cancelled))
        case .cancelledWhileShipping:
            facts.cancelReason = "fraud"
            step(OrderDimensions(payment: .captured, lifecycle: .cancelled))
            // A change whose target still says "release the fulfilment" (a mapping for the warehouse
            // state) while the channel shows the order cancelled.
            facts.trackingNumbers = ["1Z\(id)X"]
            step(
                OrderDimensions(payment: .captured, fulfillment: .partial, lifecycle: .cancelled),
                target: .some(ERPTarget(status: .pendingBilling, action: .itemFulfillmentCreated)))
        }
        var previous: (CanonicalState, OrderDimensions)?
        return steps.enumerated().map { offset, step in
            let (dimensions, facts, explicit) = step
            let state = dimensions.canonicalState
            let event = CanonicalEvent(
                eventID: CanonicalEvent.eventID(orderKey: key, sourceEventID: "\(id)-e\(offset + 1)"), orderKey: key,
                channel: key.channel, orderID: id, sourceEventID: "\(id)-e\(offset + 1)", sourceKind: "orders/updated",
                sourceTimestamp: Date(timeIntervalSince1970: 1_780_000_000 + Double(offset) * 60),
                previousState: previous?.0, state: state, previousDimensions: previous?.1, dimensions: dimensions,
                facts: facts, erpTarget: explicit ?? matrix.erpTarget(for: state), version: Int64(offset + 1),
                mappingVersion: matrix.version, traceID: "trace-\(id)")
            previous = (state, dimensions)
            return event
        }
    }

    /// The record translate would write for `event`.
    static func record(_ event: CanonicalEvent, topics: PipelineTopics) -> ProducerRecord {
        var envelope = Envelope(
            eventID: event.eventID, channel: event.channel, orderID: event.orderID,
            kind: "canonical/\(event.state.rawValue)", traceID: event.traceID)
        envelope.sourceTimestamp = event.sourceTimestamp
        return ProducerRecord(
            topic: topics.canonical, key: event.orderKey.bytes, value: CanonicalJSON.bytes(of: event),
            headers: envelope.headers)
    }

    /// What the ERP must end up with, from literal rules written here (independent of the product's
    /// planner): per order, in version order, the sales order's status write whenever what NetSuite
    /// lets an integration write changes (A, B for any later status, C and H as record actions that
    /// stay; nothing once a fulfilment made the ERP derive the status, a close waits while lines are to
    /// ship) — C for a cancelled order, else the mapping's target status; a deposit
    /// per capture id, an item fulfilment per tracking number unless the order is cancelled or
    /// restocked, the return authorization once returns are initiated, a credit memo per refund id —
    /// each made once, when it first appears. `withheld`: some change asked to release a cancelled
    /// order's fulfilment.
    static func expected(_ stream: [CanonicalEvent]) -> [OrderKey: ExpectedOrder] {
        var byOrder: [OrderKey: [CanonicalEvent]] = [:]
        for event in stream { byOrder[event.orderKey, default: []].append(event) }
        var result: [OrderKey: ExpectedOrder] = [:]
        for (key, events) in byOrder {
            var expected = ExpectedOrder()
            var seen: Set<Int64> = []
            let channel = key.channel.rawValue
            let id = key.orderID
            var made: Set<String> = []
            var shown: String?  // what the last status write made the ERP show (A, B, C, H)
            var fulfilled = false  // an item fulfilment was made (NetSuite derives D/F from it)
            for event in events.sorted(by: { $0.version < $1.version }) where seen.insert(event.version).inserted {
                let cancelled = event.dimensions.lifecycle == .cancelled || event.dimensions.fulfillment == .restocked
                let status = cancelled ? ERPStatusCode.cancelled : (event.erpTarget?.status ?? .pendingApproval)
                if let target = event.erpTarget, cancelled,
                    target.action == .itemFulfillmentCreated
                        || [.pendingFulfillment, .partiallyFulfilled, .pendingBillingPartiallyFulfilled].contains(
                            target.status)
                {
                    expected.withheld = true
                }
                // NetSuite terms: only `orderStatus` A/B is written (B for every status past approval,
                // which fulfilments and billing make), cancel and close are record actions that stay.
                let write: String
                switch status {
                case .pendingApproval: write = "A"
                case .cancelled: write = "C"
                case .closed: write = event.dimensions.fulfillment == .partial ? "B" : "H"
                default: write = "B"
                }
                let needed: Bool
                switch (write, shown) {
                case (_, nil): needed = true
                case (_, "C"?), (_, "H"?): needed = false  // nothing reopens a cancelled or closed order
                case ("C", _), ("H", _): needed = true
                default: needed = !fulfilled && shown != write
                }
                if needed {
                    expected.effects.append(
                        literal(
                            key, event.version, .salesOrderStatus, "v\(event.version)-\(status.rawValue)", .salesOrder,
                            ERPEffect.externalID("so", channel, id), status: status))
                    shown = write
                }
                expected.status = status
                var related: [ERPEffect] = []
                for capture in event.facts.captureTransactionIDs {
                    related.append(
                        literal(
                            key, event.version, .payment, capture, .customerDeposit,
                            ERPEffect.externalID("dep", channel, id, capture)))
                }
                if !cancelled {
                    for tracking in event.facts.trackingNumbers {
                        related.append(
                            literal(
                                key, event.version, .fulfilment, tracking, .itemFulfillment,
                                ERPEffect.externalID("ful", channel, id, tracking)))
                    }
                }
                // NetSuite makes a credit memo by transforming the return authorization: a refund needs one.
                if event.dimensions.returns != .none || !event.facts.refundIDs.isEmpty {
                    related.append(
                        literal(
                            key, event.version, .returnAuthorization, "return", .returnAuthorization,
                            ERPEffect.externalID("ra", channel, id)))
                }
                for refund in event.facts.refundIDs {
                    related.append(
                        literal(
                            key, event.version, .creditMemo, refund, .creditMemo,
                            ERPEffect.externalID("cm", channel, id, refund)))
                }
                for effect in related where made.insert(effect.externalID).inserted {
                    expected.effects.append(effect)
                    if effect.kind == .fulfilment { fulfilled = true }
                }
            }
            result[key] = expected
        }
        return result
    }

    /// An effect as the rules above name it (`<order key>#<kind>#<subject>`).
    private static func literal(
        _ key: OrderKey, _ version: Int64, _ kind: ERPEffect.Kind, _ subject: String, _ record: ERPRecordType,
        _ externalID: String, status: ERPStatusCode? = nil
    ) -> ERPEffect {
        var effect = ERPEffect(
            kind: kind, orderKey: key, version: version, id: "\(key)#\(kind.rawValue)#\(subject)", record: record,
            externalID: externalID, trackingNumbers: [])
        effect.status = status
        return effect
    }

    struct ExpectedOrder {
        var effects: [ERPEffect] = []
        var status: ERPStatusCode?
        var withheld = false

        /// The status NetSuite shows at the end: A as written; C and H by record actions (once taken,
        /// they stay); anything else is the approved order (B), moved on to D/F by its fulfilments.
        var netSuiteStatus: String? {
            guard let status else { return nil }
            let written = effects.compactMap(\.status)
            if written.contains(.cancelled) { return "C" }
            if written.contains(.closed) { return "H" }
            switch status {
            case .pendingApproval, .cancelled, .closed: return status.rawValue
            default:
                let fulfilments = effects.filter { $0.kind == .fulfilment }
                if fulfilments.isEmpty { return "B" }
                return fulfilments.contains { $0.leavesLinesOpen != true } ? "F" : "D"
            }
        }

        /// External ids of the related records, in the order they must be created.
        var relatedExternalIDs: [String] { effects.filter { $0.record != .salesOrder }.map(\.externalID) }
    }
}
