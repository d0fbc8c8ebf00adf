/// Renders a mapping matrix as Markdown: the playbook's "canonical state documentation".
public enum MappingDocumentation {
    /// The full document: summary table in the playbook's shape, then one table per field, then the
    /// derivation rules.
    public static func markdown(_ matrix: MappingMatrix) -> String {
        var out = "# Status mapping (version \(matrix.version))\n\n"
        if let summary = matrix.summary { out += summary + "\n\n" }
        out += "Source: `\(matrix.fileName)`.\n\n"
        out += "## Canonical states\n\n"
        out +=
            "| Storefront Status | Marketplace Status | Canonical State (Middleware) | ERP Target Status | ERP Action | Meaning |\n"
        out += "|---|---|---|---|---|---|\n"
        var storefront = valuesByState(
            matrix,
            fields: [
                .shopifyFinancialStatus, .shopifyFulfillmentStatus, .shopifyCancelReason, .shopifyReturnStatus,
                .shopifyRefundRestockType,
            ])
        let marketplace = valuesByState(matrix, fields: [.amazonOrderStatus])
        storefront[.closed, default: []].append("closed_at set")
        for state in CanonicalState.allCases {
            let target = matrix.erpTarget(for: state)
            out += "| \(cell(storefront[state])) | \(cell(marketplace[state])) | `\(state.rawValue)` | "
            out += "\(target.map { "\($0.status.rawValue) \($0.status.name)" } ?? "—") | "
            out += "\(target?.action.summary ?? "—") | \(state.summary) |\n"
        }
        out += "\nStorefront and marketplace values are listed under the state of a new, open order with only that "
        out += "value applied; an order's actual state combines all its fields (rules below).\n"
        for field in MappingField.all {
            let table = matrix.table(field)
            out += "\n## `\(field)`\n\n\(field.summary)\n\n| Value | Dimensions | Canonical (alone) |\n|---|---|---|\n"
            for value in table.order {
                guard let patch = table.entries[value] else { continue }
                out += "| `\(value)` | \(patch) | `\(patch.appliedToInitial.canonicalState.rawValue)` |\n"
            }
        }
        out += "\n## How the canonical state is derived\n\n"
        out +=
            "Each dimension is ordered (payment: pending < authorized < expired < voided < partiallyPaid < captured < "
        out += "partiallyRefunded < refunded; fulfillment: unfulfilled < partial < fulfilled < restocked; lifecycle: "
        out +=
            "open < closed < cancelled; return: none < initiated < received). An order takes, per dimension, the value "
        out +=
            "furthest along of everything observed. The first matching rule gives the state: cancelled or restocked → "
        out +=
            "CANCELLED; refunded → REFUNDED; return received → RETURNED; return initiated → RETURN_INITIATED; partially "
        out +=
            "refunded → PARTIALLY_REFUNDED; closed → CLOSED; fulfilled → SHIPPED; partial → PARTIALLY_SHIPPED; captured → "
        out +=
            "PAYMENT_CAPTURED; authorized or partially paid → PAYMENT_AUTHORIZED; voided or expired → PAYMENT_VOIDED; "
        out += "otherwise PENDING_PAYMENT.\n"
        return out
    }

    /// Canonical state → channel values (as `field=value`) that alone lead to it.
    static func valuesByState(_ matrix: MappingMatrix, fields: [MappingField]) -> [CanonicalState: [String]] {
        var out: [CanonicalState: [String]] = [:]
        for field in fields {
            let table = matrix.table(field)
            for value in table.order {
                guard let patch = table.entries[value], !patch.isEmpty else { continue }
                // Values that only restate a new order's defaults (`fulfillment_status=null`) say nothing.
                guard patch.appliedToInitial != .initial || patch.payment != nil else { continue }
                let state = patch.appliedToInitial.canonicalState
                let label = fields.count == 1 ? value : "\(field.name)=\(value)"
                out[state, default: []].append(label)
            }
        }
        return out
    }

    private static func cell(_ values: [String]?) -> String {
        guard let values, !values.isEmpty else { return "—" }
        return values.map { "`\($0)`" }.joined(separator: ", ")
    }
}
