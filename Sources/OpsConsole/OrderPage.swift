import Foundation
import Ledger
import Logging
import OrderModel
import Pipeline

/// The Order view: an order found by any id (``OrderLocator``), its trace timeline and its state
/// per system from the ledger next to what the ERP shows now.
struct OrderPage: Sendable {
    let backend: OpsBackend
    let configuration: PipelineConfiguration
    let logger: Logger
    typealias H = OpsHTML

    /// The search form, then the one order found, or the orders to choose from.
    func render(query: String?) async throws -> String {
        let form = """
            <form method="get" action="/ops/orders" id="order-search">
            <input type="text" name="id" id="order-id" size="40" value="\(H.escape(query ?? ""))"
             placeholder="#1013, shopify:1001, Amazon order id, tracking number, payment id, SO-4411, NetSuite id">
            <button type="submit" id="order-find">Find</button></form>
            """
        guard let query, !query.trimmingCharacters(in: .whitespaces).isEmpty else { return form }
        var keys = try await OrderLocator(store: backend.ledger).orderKeys(for: query)
        if let client = backend.erpClient {
            // A NetSuite internal id or document number (`SO-4411`): the sales order read from the ERP.
            keys = Array(Set(keys).union(await ERPOrderLookup(client: client).orderKeys(for: query))).sorted()
        }
        switch keys.count {
        case 0: return form + "<p id=\"order-none\">No order known by \(H.escape(query)).</p>"
        case 1: return form + (try await order(keys[0]))
        default:
            let links = keys.map { "<li><a href=\"/ops/orders?id=\(H.query($0))\">\(H.escape($0))</a></li>" }
            return form
                + "<p>\(H.escape(query)) names several orders:</p><ul id=\"order-choices\">\(links.joined())</ul>"
        }
    }

    private func order(_ key: String) async throws -> String {
        let records = try await backend.ledger.timeline(order: key)
        let states = try await backend.ledger.loadStates(orders: [key]).sorted { $0.system < $1.system }
        let stateRows = states.map {
            [
                H.escape($0.system), "<span class=\"order-state\">\(H.escape($0.state))</span>", String($0.version),
                H.escape($0.updatedAt.formatted(.iso8601)),
                StoredStateSummary.decode($0.dimensionsJSON)?.html
                    ?? "<code>\(H.escape(String($0.dimensionsJSON.prefix(300))))</code>",
            ]
        }
        let timeline = records.suffix(300).map { record -> [String] in
            [
                H.escape(record.time.formatted(.iso8601)), H.escape(record.hop.rawValue), H.escape(record.stage),
                H.escape(record.channel),
                H.escape([record.fromState, record.toState].compactMap { $0 }.joined(separator: " → ")),
                record.httpStatus.map(String.init) ?? "", H.escape(record.reason ?? ""), H.escape(record.detail ?? ""),
            ]
        }
        let erp = await erp(key)
        return """
            <h2 id="order-key">\(H.escape(key))</h2>
            <div class="side"><div><h3>Channel and pipeline (ledger)</h3>
            \(H.table(id: "order-states", head: ["system", "state", "version", "updated", "dimensions"], rows: stateRows))
            </div><div><h3>ERP now</h3>\(erp.html)</div></div>
            \(OrderEffectsSection.render(
                key: key, states: states, records: records, erp: erp.read, matrix: matrix))
            <h2>Timeline</h2>
            \(H.table(id: "order-timeline", head: ["time", "hop", "stage", "system", "state", "HTTP", "reason", "detail"], rows: timeline))
            """
    }

    /// The mapping the pipeline runs with (the process's, loaded once).
    private var matrix: MappingMatrix? { try? backend.assembly.matrix() }

    /// The ERP's sales order for `key`, read now (a short retry budget: a page must not hang): the
    /// HTML, and the view when the ERP answered (`.some(nil)`: it has no sales order).
    private func erp(_ key: String) async -> (html: String, read: ERPView??) {
        guard let client = backend.erpClient, let orderKey = OrderKey(key) else {
            return ("<p id=\"erp-state\">no ERP configured</p>", nil)
        }
        do {
            let reader = ERPViewReader(
                sync: ERPSync(client: client), stats: ReconcileAPIStats(), maxAttempts: 3, maxWait: .seconds(2))
            guard let view = try await reader.view(of: orderKey) else {
                return ("<p id=\"erp-state\">no sales order</p>", .some(nil))
            }
            let tranID = await documentNumber(client, salesOrder: view.salesOrderID)
            let rows: [[String]] = [
                ["sales order", H.escape(view.salesOrderID)],
                ["document number", "<span id=\"erp-tranid\">\(H.escape(tranID ?? "–"))</span>"],
                ["status", "<span id=\"erp-status\">\(H.escape(view.status.rawValue))</span>"],
                ["records", H.escape(view.records.map { "\($0)" }.sorted().joined(separator: ", "))],
                ["payments", H.escape(view.paymentReferences.joined(separator: ", "))],
                ["tracking", H.escape(view.trackingNumbers.joined(separator: ", "))],
                ["credit memos", H.escape(view.creditMemoIDs.joined(separator: ", "))],
            ]
            return ("<div id=\"erp-state\">" + H.table(id: "erp-view", head: ["", ""], rows: rows) + "</div>", view)
        } catch {
            return ("<p id=\"erp-state\" class=\"bad\">ERP read failed: \(H.escape("\(error)"))</p>", nil)
        }
    }

    /// The sales order's `tranId` (its document number, e.g. `SO-4411`), when the ERP gives it.
    private func documentNumber(_ client: ERPClient, salesOrder id: String) async -> String? {
        let (outcome, body) = await client.read(ERPRecordType.salesOrder.rawValue, id: id)
        guard case .done = outcome, let body,
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        else { return nil }
        return object["tranId"] as? String
    }
}
