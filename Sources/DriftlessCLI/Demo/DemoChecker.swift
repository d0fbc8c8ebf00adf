import DriftlessOperations
import Foundation
import OrderModel
import Simulators

/// The demo's verdict, checked against the simulators' own records — not against anything Driftless
/// wrote about itself, nor computed by its planner: ``ERPOracle`` computes from every order the
/// storefront and the marketplace hold now (their final bodies) the effects it needs (its sales order
/// in the status the order implies, a deposit per capture, an item fulfilment per tracking number
/// unless cancelled, the return authorization once a return started, a credit memo per refund), and
/// ``OracleChecker`` compares them with the ERP simulator's records: each must be there exactly once,
/// and nothing else may be. No effect is merely "allowed". The orders' content is checked as well
/// (``OracleContentChecker``: customer, order name, lines, quantities and amounts to the cent, shipping
/// address, each shipment's lines), computed from the same final bodies — for marketplace orders from
/// the marketplace's order and its item documents (the poller reads them with getOrderItems).
struct DemoCheck: Sendable {
    var orders = 0
    var expectedEffects = 0
    var present = 0
    var erpRecords = 0
    /// `order: effect` of expected effects missing from the ERP.
    var lost: [String] = []
    /// Effects the ERP holds more than once (or `ERPStore.duplicateEffects`).
    var duplicates: [String] = []
    /// ERP records no channel order explains.
    var extra: [String] = []
    /// Sales orders whose status is not the one the channel's final order implies.
    var wrongStatus: [String] = []
    /// The oracle's content check of the orders (``OracleContentChecker``): orders and lines
    /// checked, and what differs (customer, lines, quantities, amounts, shipments).
    var contentOrders = 0
    var contentLines = 0
    var contentDifferences: [String] = []

    var passed: Bool {
        lost.isEmpty && duplicates.isEmpty && extra.isEmpty && wrongStatus.isEmpty && contentDifferences.isEmpty
    }
}

enum DemoChecker {
    static func check(world: DemoWorld) async throws -> DemoCheck {
        // The demo deploys a mapping for this status (payment authorized → B); the oracle is told so.
        let extra = [DemoMapping.unknownStatus: "B"]
        var expectations: [OracleExpectation] = []
        var contents: [OracleContentExpectation] = []
        let items = try MappingMatrix.default.content.items
        for order in await world.storefront.store.allOrders() {
            expectations.append(try ERPOracle.expectation(shopify: order, extraFinancialStatuses: extra))
            contents.append(try OracleContentExpectation.shopify(body: try order.jsonBytes(), items: items))
        }
        for order in await world.marketplace.store.allOrders() {
            expectations.append(ERPOracle.expectation(amazon: order))
            let orderItems = await world.marketplace.store.orderItems(order.AmazonOrderId) ?? []
            contents.append(OracleContentExpectation.amazon(order: order, orderItems: orderItems, items: items))
        }
        let report = await OracleChecker.check(expectations, store: world.erp.store)
        var check = DemoCheck()
        check.orders = report.orders.count
        check.expectedEffects = report.expectedEffects
        check.present = report.presentOnce
        check.erpRecords = report.erpRecords
        check.lost = report.lostList
        check.duplicates = report.duplicatedList
        check.extra = report.extraList
        check.wrongStatus = report.wrongStatusList
        let content = OracleContentChecker.check(contents, records: await world.erp.store.allRecords())
        check.contentOrders = content.orders
        check.contentLines = content.linesChecked
        check.contentDifferences = content.differences
        let simulatorDuplicates = await world.erp.store.duplicateEffects
        if simulatorDuplicates > 0 {
            check.duplicates.append("the ERP simulator counted \(simulatorDuplicates) effects created twice")
        }
        return check
    }
}
