import Foundation
import Kafka
import OrderModel
import Simulators
import XCTest

@testable import Pipeline

/// The parts issue 24's dispatch tests drive: validate's decoder (with the SKU check), dispatch's
/// SKU lookup in the ERP (``ERPSync/lookUpItems(_:refreshing:through:)``, when the mapping looks
/// items up), the state machine's merge per order, the planner and ``ERPSync`` against a
/// content-strict ERP simulator.
final class WholeOrderRig: @unchecked Sendable {
    let erp: TestERP
    private(set) var decoder: ObservationDecoder
    private(set) var sync: ERPSync
    private(set) var matrix: MappingMatrix
    private var states: [OrderKey: (state: OrderState, version: Int64)] = [:]
    private var offset: Int64 = 0
    /// `salesOrderLines` effects applied so far.
    private(set) var appliedLineEdits = 0
    /// The clock of the ERP client's item cache (tests move it to let answers expire).
    let itemClock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))

    var mapping: ContentMapping { matrix.content }

    private init(erp: TestERP, matrix: MappingMatrix) throws {
        self.erp = erp
        self.matrix = matrix
        decoder = ObservationDecoder(matrix: matrix)
        var configuration = erp.configuration()
        configuration.content = matrix.content
        let clock = itemClock
        sync = ERPSync(client: try ERPClient(configuration: configuration, itemClock: { clock.now }))
    }

    static func start() async throws -> WholeOrderRig {
        let erp = try await TestERP.start(auth: .bearer)
        await erp.simulator.store.setRequiresOrderContent(true)
        return try WholeOrderRig(erp: erp, matrix: try MappingMatrix.default)
    }

    /// Switches to another mapping (validate and dispatch alike), as a restart with a fixed file does.
    func use(_ matrix: MappingMatrix) throws {
        self.matrix = matrix
        decoder = ObservationDecoder(matrix: matrix)
        var configuration = erp.configuration()
        configuration.content = matrix.content
        let clock = itemClock
        sync = ERPSync(client: try ERPClient(configuration: configuration, itemClock: { clock.now }))
    }

    func stop() async { await erp.stop() }

    /// Validates `body` as a webhook of `topic`, merges it into the order's state and dispatches the
    /// merged order; throws the validate rejection.
    @discardableResult
    func deliver(_ body: [String: Any], topic: String) async throws -> ERPEffectPlanner.Plan {
        try await deliver(
            bytes: Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])), topic: topic)
    }

    /// As ``deliver(_:topic:)`` for a body as the channel sent it.
    @discardableResult
    func deliver(bytes: [UInt8], topic: String) async throws -> ERPEffectPlanner.Plan {
        let body = (try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]) ?? [:]
        let orderID =
            topic == "orders/edited"
            ? "\((body["order_edit"] as? [String: Any])?["order_id"] ?? "")" : "\(body["id"] ?? "")"
        offset += 1
        let envelope = Envelope(eventID: "webhook-\(offset)", channel: .shopify, orderID: orderID, kind: topic)
        let message = KafkaMessage(
            topic: "t.ingest.raw", partition: 0, offset: offset, key: Array("shopify:\(orderID)".utf8), value: bytes,
            headers: envelope.headers)
        return try await deliver(message: message)
    }

    /// Validates a raw record as ingest produced it (any channel), merges it and dispatches the order.
    @discardableResult
    func deliver(message: KafkaMessage) async throws -> ERPEffectPlanner.Plan {
        let (_, observation) = try decoder.decode(message)
        // Dispatch's check: SKUs missing from the table are looked up in the ERP (as a replay does,
        // a replayed case asks again whatever the cache says).
        let skus = Set(observation.facts.content?.skus ?? [])
        let replayed = HeaderMap(message.headers)[EnvelopeHeader.caseID] != nil
        switch await sync.lookUpItems(skus, refreshing: replayed ? skus : [], through: { await self.sync.send($0) }) {
        case .unknown(let unknown) where !unknown.isEmpty:
            throw StageRejection.unmappedSKU("sku=\(unknown.joined(separator: ","))")
        case .unknown: break
        case .failed(let outcome): throw RigFailure.erp("item lookup: \(outcome)")
        }
        let current = states[observation.key]
        let decision = OrderStateMachine().decide(current: current?.state, observation: observation)
        switch decision {
        case .apply: break
        case .duplicate, .stale: return ERPEffectPlanner.Plan()  // translate records it, changes nothing
        case .illegal: throw RigFailure.notApplied("\(decision)")
        }
        guard let next = decision.newState else { throw RigFailure.notApplied("\(decision)") }
        states[observation.key] = (next, (current?.version ?? 0) + 1)
        return try await redispatch(observation.key)
    }

    /// Dispatches the order's merged state as it stands.
    func redispatch(_ key: OrderKey) async throws -> ERPEffectPlanner.Plan {
        guard let (state, version) = states[key] else { throw RigFailure.notApplied("no state for \(key)") }
        var view: ERPView?
        switch await sync.view(of: key) {
        case .found(let found): view = found
        case .absent: view = nil
        case .failed(let outcome): throw RigFailure.erp("view: \(outcome)")
        }
        let plan = ERPEffectPlanner.plan(
            orderKey: key, version: version, target: matrix.erpTarget(for: state.canonicalState),
            dimensions: state.dimensions, facts: state.facts, erp: view)
        var salesOrderID = view?.salesOrderID
        for effect in plan.effects {
            let (outcome, id) = await sync.apply(effect, salesOrderID: salesOrderID)
            guard case .done = outcome else { throw RigFailure.erp("\(effect): \(outcome)") }
            salesOrderID = id ?? salesOrderID
            if effect.kind == .salesOrderLines { appliedLineEdits += 1 }
        }
        return plan
    }

    /// The ERP's sales order of the Shopify order `body` (by its id).
    func salesOrder(of body: [String: Any]) async throws -> ERPRecord {
        let id = ERPEffect.externalID("so", "shopify", "\(body["id"] ?? "")")
        guard let record = await erp.simulator.store.find(.salesOrder, id: "eid:\(id)") else {
            throw RigFailure.erp("no sales order eid:\(id)")
        }
        return record
    }

    /// Sends an item fulfilment of `lines` (line id, quantity) for `salesOrder` through the client
    /// (NetSuite: a transform of the sales order), bypassing the planner; the HTTP status the ERP answers.
    func rawFulfilment(salesOrder: String, lines: [(String, Int)]) async throws -> Int {
        let items = lines.map { ["custcol_driftless_line": $0.0, "quantity": $0.1] as [String: Any] }
        let body: [String: Any] = ["externalId": "raw-\(salesOrder)", "item": ["items": items]]
        let data = try JSONSerialization.data(withJSONObject: body)
        let client = try ERPClient(configuration: erp.configuration())
        let path = ERPClient.recordPath + "/salesOrder/\(salesOrder)/!transform/itemFulfillment"
        switch await client.exchange(.POST, path, body: data).outcome {
        case .done(let status, _): return status
        case .permanent(let status, _, _), .conflict(let status, _, _): return status
        case let other: throw RigFailure.erp("\(other)")
        }
    }

    enum RigFailure: Error {
        case notApplied(String)
        case erp(String)
    }
}
