import Foundation
import Ledger
import OrderModel
import Pipeline

/// The Order view's effects: what the order needs in the ERP (the dispatch planner over translate's
/// merged state, ``OrderEffectCheck``) side by side with which exist — by the ERP read now when the
/// console reached it, else by the ledger's `dispatched` rows — and the page says which.
enum OrderEffectsSection {
    typealias H = OpsHTML

    /// `erp`: the ERP's view read now (`.some(nil)`: no sales order), nil when it could not be read.
    static func render(
        key: String, states: [OrderStateRecord], records: [AuditRecord], erp: ERPView??, matrix: MappingMatrix?
    ) -> String {
        let channel = key.split(separator: ":").first.map(String.init) ?? ""
        guard let matrix, let stored = states.first(where: { $0.system == channel }),
            let check = OrderEffectCheck(stored: stored, matrix: matrix)
        else {
            return "<h2>ERP effects</h2><p id=\"effects-none\">No merged state of this order to plan from.</p>"
        }
        let rows: [OrderEffectCheck.Row]
        let source: String
        if let erp {
            rows = check.compare(view: erp)
            source = "existing = what the ERP shows now (read from the ERP)"
        } else {
            rows = check.compare(timeline: records)
            source = "existing = the ledger's effect records (dispatched rows): the ERP was not read"
        }
        let cells = rows.map { row -> [String] in
            [
                H.escape(row.kind), H.escape(row.subject), H.escape(row.record),
                "<code>\(H.escape(row.externalID))</code>",
                row.exists
                    ? "<span class=\"effect-exists ok\">exists</span>"
                    : "<span class=\"effect-missing bad\">missing</span>",
            ]
        }
        let missing = rows.filter { !$0.exists }.count
        return """
            <h2>ERP effects: needed and existing</h2>
            <p>needed = the dispatch planner over the order's merged state (version \(stored.version)); \
            <span id="effects-source">\(H.escape(source))</span>. \
            <span id="effects-summary">\(rows.count) needed, \(rows.count - missing) exist, \(missing) missing</span></p>
            \(H.table(id: "order-effects", head: ["effect", "about", "record", "external id", "in the ERP"], rows: cells))
            """
    }
}
