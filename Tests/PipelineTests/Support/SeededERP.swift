import Foundation
import OrderModel
import Simulators

@testable import Pipeline

/// Seeds the ERP for reconcile tests with what dispatch would have written for a channel order
/// (version 0: any later change wins) — the one place tests write an ERP through the product's own
/// planner. It prepares a starting state and judges nothing: tests that judge the ERP use
/// `ERPOracle` and `OracleChecker` over the simulator's own records.
enum SeededERP {
    /// A seeding write the ERP did not take.
    struct Failed: Error, CustomStringConvertible {
        let effect: String
        let outcome: String
        var description: String { "seeding \(effect): \(outcome)" }
    }

    /// Writes every effect the planner gives `payload` (the channel's order body) into the ERP behind
    /// `sync`; throws when one of them is not applied.
    static func write(
        channel: Channel, payload: [UInt8], sync: ERPSync, matrix: MappingMatrix
    ) async throws {
        let observation = try ChannelTranslator(matrix: matrix).translate(
            channel: channel, payload: payload, eventID: nil)
        let plan = ERPEffectPlanner.plan(
            orderKey: observation.key, version: 0, target: matrix.erpTarget(for: observation.dimensions.canonicalState),
            dimensions: observation.dimensions, facts: observation.facts, erp: nil)
        var salesOrderID: String?
        for effect in plan.effects {
            let (outcome, id) = await sync.apply(effect, salesOrderID: salesOrderID)
            guard case .done = outcome else { throw Failed(effect: effect.id, outcome: "\(outcome)") }
            salesOrderID = id ?? salesOrderID
        }
    }

    /// A storefront order.
    static func write(shopify document: ShopifyOrderDocument, sync: ERPSync, matrix: MappingMatrix) async throws {
        try await write(channel: .shopify, payload: try document.jsonBytes(), sync: sync, matrix: matrix)
    }

    /// A marketplace order (`getOrders` JSON).
    static func write(amazon document: AmazonOrderDocument, sync: ERPSync, matrix: MappingMatrix) async throws {
        try await write(
            channel: .amazon, payload: Array(try JSONEncoder().encode(document)), sync: sync, matrix: matrix)
    }
}
