extension PayloadSKUReport {
    /// The report's lines: a summary (`payloads: 3 orders checked (1 Shopify order, …), 1 unreadable;
    /// 5 SKUs: 3 in content.items, 0 found in the ERP, 2 unmapped`), then one line per SKU — unmapped
    /// first, then found in the ERP, then mapped by `content.items`, each by SKU — naming the orders
    /// it was seen in (at most 5), then one line per unreadable payload with the reason.
    public func lines(inERP: [String: String] = [:]) -> [String] {
        var groups: [[String]] = [[], [], []]
        var erpCount = 0
        var itemsCount = 0
        for sku in sightings.keys.sorted() {
            let seen = sightings[sku] ?? []
            let orders =
                "— in \(seen.count) order(s): " + seen.prefix(5).map(\.description).joined(separator: ", ")
                + (seen.count > 5 ? ", …" : "")
            let name = sku.isEmpty ? "(empty)" : sku
            switch resolution(of: sku, inERP: inERP) {
            case .unmapped: groups[0].append("unmapped SKU \(name) \(orders)")
            case .erp(let item):
                erpCount += 1
                groups[1].append("SKU \(name) not in content.items, found in the ERP (item \(item)) \(orders)")
            case .contentItems(let item):
                itemsCount += 1
                groups[2].append("SKU \(name) in content.items (item \(item)) \(orders)")
            case .notChecked: groups[2].append("SKU \(name) not checked \(orders)")
            }
        }
        let kinds = Kind.allCases.compactMap { kind in counts[kind].map { kind.counted($0) } }
        var summary = "payloads: \(checked) orders checked"
        if !kinds.isEmpty { summary += " (" + kinds.joined(separator: ", ") + ")" }
        summary += ", \(unreadable.count) unreadable; \(sightings.count) SKUs: "
        summary +=
            checksSKUs
            ? "\(itemsCount) in content.items, \(erpCount) found in the ERP, \(groups[0].count) unmapped"
            : "not checked (the mapping has no content.items)"
        return [summary] + groups.joined() + unreadable.map(\.description)
    }
}
