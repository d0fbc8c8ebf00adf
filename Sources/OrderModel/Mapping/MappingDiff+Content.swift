extension MappingDiff {
    /// The changes between two mappings' `content:` sections (issue 24): `content.items` (SKU → item)
    /// and `content.shipping_items` entry by entry, and the defaults (`default_shipping_item`,
    /// `guests`, `default_customer`, `subsidiary`, `location`, `department`, `class`, `rounding`).
    static func contentChanges(old: ContentMapping, new: ContentMapping) -> [Change] {
        var changes: [Change] = []
        for (section, a, b) in [
            ("content.items", old.items, new.items), ("content.shipping_items", old.shippingItems, new.shippingItems),
        ] {
            for key in Set(a.keys).union(b.keys).sorted() {
                if let change = change(section, key, a[key], b[key]) { changes.append(change) }
            }
        }
        let scalars: [(String, String?, String?)] = [
            ("default_shipping_item", old.defaultShippingItem, new.defaultShippingItem),
            ("guests", old.guests.rawValue, new.guests.rawValue),
            ("default_customer", old.defaultCustomer, new.defaultCustomer),
            ("subsidiary", old.subsidiary, new.subsidiary), ("location", old.location, new.location),
            ("department", old.department, new.department), ("class", old.classID, new.classID),
            ("rounding", String(old.rounding), String(new.rounding)),
        ]
        for (key, a, b) in scalars {
            if let change = change("content", key, a, b) { changes.append(change) }
        }
        return changes
    }

    private static func change(_ section: String, _ key: String, _ old: String?, _ new: String?) -> Change? {
        switch (old, new) {
        case (nil, let n?): Change(kind: .added, section: section, key: key, new: n)
        case (let o?, nil): Change(kind: .removed, section: section, key: key, old: o)
        case (let o?, let n?) where o != n: Change(kind: .changed, section: section, key: key, old: o, new: n)
        default: nil
        }
    }

    /// What the `items` change does to the SKUs of recorded Shopify order payloads: per payload, each SKU
    /// whose ERP item differs between the mappings (`item 1101 → 1201`, `→ unmapped (quarantined as
    /// unmapped-sku)`, `unmapped → item 1106`; without an `items` table a SKU is referenced by external id).
    public static func contentEffects(old: ContentMapping, new: ContentMapping, payloads: [PayloadReplay.Payload])
        -> [String]
    {
        func item(_ mapping: ContentMapping, _ sku: String) -> String {
            guard mapping.checksSKUs else { return "external id \(sku)" }
            return mapping.items[sku].map { "item \($0)" } ?? "unmapped (quarantined as unmapped-sku)"
        }
        var effects: [String] = []
        for payload in payloads {
            guard let content = try? ShopifyOrderContent.decode(from: payload.bytes) else { continue }
            for sku in content.skus where item(old, sku) != item(new, sku) {
                effects.append("\(payload.name): SKU \(sku) \(item(old, sku)) → \(item(new, sku))")
            }
        }
        return effects
    }
}
