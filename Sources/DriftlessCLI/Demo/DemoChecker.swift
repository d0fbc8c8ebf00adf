import Foundation
import OrderModel
import Simulators

/// The demo's verdict, checked against the simulators' own records — not against anything Driftless
/// wrote about itself. For every order the storefront and the marketplace hold now, the ERP must show
/// every effect the order's current state needs (its sales order with the status the mapping gives
/// the current state, a deposit per capture, an item fulfilment per tracking number of a shipped
/// order, the return authorization, a credit memo per refund) exactly once; and the ERP may hold
/// nothing else: every record must be one of those, a fulfilment for a tracking number the order
/// has, or a deposit for a capture the order once had.
struct DemoCheck: Sendable {
    var orders = 0
    var expectedEffects = 0
    var present = 0
    var erpRecords = 0
    /// `type eid:…` of expected effects missing from the ERP.
    var lost: [String] = []
    /// Effects the ERP holds more than once (same external id, or `ERPStore.duplicateEffects`).
    var duplicates: [String] = []
    /// ERP records no channel order explains.
    var extra: [String] = []
    /// Sales orders whose status is not the one the channel's current state maps to.
    var wrongStatus: [String] = []

    var passed: Bool { lost.isEmpty && duplicates.isEmpty && extra.isEmpty && wrongStatus.isEmpty }
}

enum DemoChecker {
    struct Key: Hashable {
        var type: ERPRecordType
        var externalID: String
    }

    static func check(world: DemoWorld, captures: [String: Set<String>], matrix: MappingMatrix) async throws
        -> DemoCheck
    {
        let translator = ChannelTranslator(matrix: matrix)
        var required: [Key: String] = [:]  // → the order key
        var allowed: Set<Key> = []
        var statuses: [String: (orderKey: String, status: ERPStatusCode)] = [:]  // sales order eid → expected
        var payloads: [(Channel, [UInt8], String)] = []
        for order in await world.storefront.store.allOrders() {
            payloads.append((.shopify, try order.jsonBytes(), "shopify:\(order.id)"))
        }
        for order in await world.marketplace.store.allOrders() {
            payloads.append(
                (.amazon, Array(try AmazonOrderDocument.encoder.encode(order)), "amazon:\(order.AmazonOrderId)"))
        }
        for (channel, payload, key) in payloads {
            let observation = try translator.translate(channel: channel, payload: payload, eventID: nil)
            let plan = ERPEffectPlanner.plan(
                orderKey: observation.key, version: 1,
                target: matrix.erpTarget(for: observation.dimensions.canonicalState),
                dimensions: observation.dimensions, facts: observation.facts, erp: nil)
            for effect in plan.effects {
                required[Key(type: effect.record, externalID: effect.externalID)] = key
                if let status = effect.status { statuses[effect.externalID] = (key, status) }
            }
            let id = observation.key.orderID
            for tracking in observation.facts.trackingNumbers {
                allowed.insert(
                    Key(type: .itemFulfillment, externalID: ERPEffect.externalID("ful", channel.rawValue, id, tracking))
                )
            }
            for capture in captures[key] ?? [] {
                allowed.insert(
                    Key(type: .customerDeposit, externalID: ERPEffect.externalID("dep", channel.rawValue, id, capture)))
            }
        }
        var check = DemoCheck()
        check.orders = payloads.count
        check.expectedEffects = required.count
        let records = await world.erp.store.allRecords()
        check.erpRecords = records.count
        var seen: [Key: Int] = [:]
        for record in records {
            guard let externalID = record.externalId else {
                check.extra.append("\(record.type.rawValue) \(record.id) (no external id)")
                continue
            }
            let key = Key(type: record.type, externalID: externalID)
            seen[key, default: 0] += 1
            if required[key] == nil && !allowed.contains(key) {
                check.extra.append("\(record.type.rawValue) eid:\(externalID)")
            }
            if record.type == .salesOrder, let expected = statuses[externalID],
                record.status?.id != expected.status.rawValue
            {
                check.wrongStatus.append(
                    "\(expected.orderKey): ERP \(record.status?.id ?? "none"), expected \(expected.status.rawValue)")
            }
        }
        for (key, orderKey) in required.sorted(by: { $0.key.externalID < $1.key.externalID }) {
            switch seen[key] ?? 0 {
            case 0: check.lost.append("\(orderKey): \(key.type.rawValue) eid:\(key.externalID)")
            case 1: check.present += 1
            default: check.duplicates.append("\(orderKey): \(key.type.rawValue) eid:\(key.externalID)")
            }
        }
        for (key, count) in seen where count > 1 && required[key] == nil {
            check.duplicates.append("\(key.type.rawValue) eid:\(key.externalID) ×\(count)")
        }
        let simulatorDuplicates = await world.erp.store.duplicateEffects
        if simulatorDuplicates > 0 {
            check.duplicates.append("the ERP simulator counted \(simulatorDuplicates) effects created twice")
        }
        check.extra.sort()
        check.wrongStatus.sort()
        return check
    }
}
