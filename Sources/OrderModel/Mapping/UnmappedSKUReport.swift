/// The SKUs of recorded order payloads that a mapping's `content.items` does not map (what
/// `driftless mapping check --payloads DIR` reports before a deployment quarantines live orders
/// with `unmapped-sku`). Pure: the caller reads the files.
public struct UnmappedSKUReport: Hashable, Sendable {
    /// SKU → names of the payloads carrying it, sorted.
    public var unmapped: [String: [String]] = [:]
    /// Payloads read as Shopify orders.
    public var checked = 0

    /// The report for `payloads` (name, bytes) under `mapping`; payloads that are not Shopify order
    /// bodies (Amazon, ERP, edits) are skipped.
    public init(mapping: ContentMapping, payloads: [(name: String, bytes: [UInt8])]) {
        for payload in payloads {
            guard let content = try? ShopifyOrderContent.decode(from: payload.bytes) else { continue }
            checked += 1
            for sku in mapping.unmappedSKUs(in: content) { unmapped[sku, default: []].append(payload.name) }
        }
        unmapped = unmapped.mapValues { $0.sorted() }
    }

    /// One line per unmapped SKU: `unmapped SKU X in 2 payloads: a.json, b.json`.
    public var lines: [String] {
        unmapped.sorted { $0.key < $1.key }.map { sku, names in
            "unmapped SKU \(sku.isEmpty ? "(empty)" : sku) in \(names.count) payload(s): "
                + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
        }
    }
}
