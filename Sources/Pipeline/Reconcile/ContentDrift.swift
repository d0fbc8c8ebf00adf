import OrderModel

/// Compares the channel's order content with the lines and amounts of its ERP sales order (issue 24,
/// reconciliation compares content). Pure.
///
/// - Quantities per SKU must agree exactly (an ERP line's SKU: its item's external id, or the SKU the
///   mapping's `items` maps to its internal id, else the channel line of its `custcol_driftless_line`).
/// - Unit prices per line, the lines' total (after discounts), shipping and the order total must agree
///   within the rounding tolerance: half the mapping's rounding step per line (at least a cent per line),
///   since the ERP holds amounts rounded to `rounding` decimals.
///
/// The differences read "SKU-X: channel 2, ERP 1", "SKU-X price: channel 12.00, ERP 10.00",
/// "lines total 59.90 vs 49.90", "total 64.69 vs 53.95" (channel first).
enum ContentDrift {
    /// The differences between `content` (the channel's) and `erp`; empty when they agree.
    static func differences(channel content: OrderContent, erp: ERPSalesOrderLines, mapping: ContentMapping)
        -> [String]
    {
        let lines = content.effectiveLines
        let byLineID = Dictionary(lines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let skuOfItem = Dictionary(mapping.items.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        func sku(of line: ERPSalesOrderLines.Line) -> String {
            if let external = line.itemExternalID { return external }
            if let id = line.itemID, let sku = skuOfItem[id] { return sku }
            if let id = line.lineID, let sku = byLineID[id]?.sku { return sku }
            return line.itemID.map { "item \($0)" } ?? "line \(line.lineID ?? "?")"
        }
        var differences: [String] = []
        var channelQuantity: [String: Int] = [:]
        for line in lines { channelQuantity[line.sku ?? "line \(line.id)", default: 0] += line.quantity }
        var erpQuantity: [String: Int] = [:]
        for line in erp.lines { erpQuantity[sku(of: line), default: 0] += line.quantity }
        for key in Set(channelQuantity.keys).union(erpQuantity.keys).sorted()
        where channelQuantity[key, default: 0] != erpQuantity[key, default: 0] {
            let channel = channelQuantity[key, default: 0]
            let inERP = erpQuantity[key, default: 0]
            differences.append("\(key): channel \(channel), ERP \(inERP)")
        }
        let step: Int64 = mapping.rounding >= 2 ? 1 : (mapping.rounding == 1 ? 10 : 100)
        let perLine = max(1, step / 2)
        func differ(_ a: Money, _ b: Money, lines count: Int) -> Bool {
            abs(a.cents - b.cents) > perLine * Int64(max(1, count))
        }
        for erpLine in erp.lines {
            guard let id = erpLine.lineID, let line = byLineID[id], let price = line.unitPrice, let rate = erpLine.rate,
                differ(price, rate, lines: 1)
            else { continue }
            differences.append("\(line.sku ?? "line \(id)") price: channel \(price), ERP \(rate)")
        }
        let channelLines = lines.reduce(Money.zero) { $0 + $1.netAmount }
        let erpLines = erp.lines.reduce(Money.zero) { $0 + ($1.amount ?? .zero) }
        let count = max(lines.count, erp.lines.count)
        if differ(channelLines, erpLines, lines: count) {
            differences.append("lines total \(channelLines) vs \(erpLines)")
        }
        if !content.shippingLines.isEmpty, let erpShipping = erp.shippingCost {
            let shipping = content.shippingLines.reduce(Money.zero) { $0 + $1.price - $1.discount }
            if differ(shipping, erpShipping, lines: content.shippingLines.count) {
                differences.append("shipping \(shipping) vs \(erpShipping)")
            }
        }
        if let total = content.totals.total, let erpTotal = erp.total, differ(total, erpTotal, lines: count + 1) {
            differences.append("total \(total) vs \(erpTotal)")
        }
        return differences
    }
}
