/// The SKUs of recorded order payloads — per SKU the orders carrying it and whether a mapping's
/// `content.items` maps it — and the payloads that are no order the check reads, with the reason
/// (what `driftless mapping check --payloads DIR` reports before a deployment quarantines live
/// orders with `unmapped-sku`). Shopify order bodies, Amazon `getOrders` order objects carrying the
/// `OrderItems` the poller attaches, and raw `getOrderItems` answers are read with the pipeline's
/// own content readers (``read(_:)``). Pure: the caller reads the files and asks the ERP.
public struct PayloadSKUReport: Hashable, Sendable {
    /// What a payload was read as.
    public enum Kind: Hashable, Sendable, CaseIterable {
        /// A Shopify REST `Order` body (``ShopifyOrderContent``).
        case shopifyOrder
        /// An Amazon `getOrders` order object with its `OrderItems` attached (``AmazonOrderContent``).
        case amazonOrder
        /// A raw `getOrderItems` answer (``AmazonOrderContent/decodeOrderItemsAnswer(from:maxBytes:)``).
        case amazonOrderItems

        func counted(_ count: Int) -> String {
            let plural = count == 1 ? "" : "s"
            return switch self {
            case .shopifyOrder: "\(count) Shopify order\(plural)"
            case .amazonOrder: "\(count) Amazon order\(plural)"
            case .amazonOrderItems: "\(count) getOrderItems answer\(plural)"
            }
        }
    }

    /// One order a SKU was seen in: the file and the channel's order (`#1001`, the `AmazonOrderId`).
    public struct Sighting: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var file: String
        public var order: String

        public init(file: String, order: String) {
            self.file = file
            self.order = order
        }

        public var description: String { "\(file) (\(order))" }

        public static func < (a: Sighting, b: Sighting) -> Bool { (a.file, a.order) < (b.file, b.order) }
    }

    /// A payload the check cannot read, and why.
    public struct Unreadable: Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var reason: String

        public var description: String { "unreadable \(file): \(reason)" }
    }

    /// Where the ERP item of a SKU comes from.
    public enum Resolution: Hashable, Sendable {
        /// `content.items` maps it to this item.
        case contentItems(item: String)
        /// Not in `content.items`; the ERP has it (internal id), as dispatch's SuiteQL lookup finds it.
        case erp(item: String)
        /// Found nowhere: orders carrying it are quarantined with `unmapped-sku`.
        case unmapped
        /// The mapping has no `content.items`: SKUs are not checked.
        case notChecked
    }

    /// Every SKU seen → the orders carrying it, sorted.
    public var sightings: [String: [Sighting]] = [:]
    /// Orders read, by kind.
    public var counts: [Kind: Int] = [:]
    /// Payloads that are no order the check reads, in the given order.
    public var unreadable: [Unreadable] = []
    /// The mapping's `content.items` (SKU → item).
    public var items: [String: String]
    /// Whether the mapping checks SKUs (it has `content.items`).
    public var checksSKUs: Bool

    /// The report for `payloads` (name, bytes) under `mapping`.
    public init(mapping: ContentMapping, payloads: [(name: String, bytes: [UInt8])]) {
        items = mapping.items
        checksSKUs = mapping.checksSKUs
        for payload in payloads {
            switch Self.read(payload.bytes) {
            case .failure(let failure):
                unreadable.append(Unreadable(file: payload.name, reason: failure.reason))
            case .success(let read):
                counts[read.kind, default: 0] += 1
                for sku in Set(read.content.effectiveLines.compactMap(\.sku)).sorted() {
                    sightings[sku, default: []].append(Sighting(file: payload.name, order: read.order))
                }
            }
        }
        sightings = sightings.mapValues { $0.sorted() }
    }

    /// Orders read.
    public var checked: Int { counts.values.reduce(0, +) }

    /// The SKUs seen that `content.items` does not map, sorted (empty when SKUs are not checked):
    /// those to ask the ERP about.
    public var missingFromItems: [String] {
        checksSKUs ? sightings.keys.filter { items[$0] == nil }.sorted() : []
    }

    /// Where `sku`'s item comes from; `inERP`: SKU → internal id of those the ERP was found to have.
    public func resolution(of sku: String, inERP: [String: String] = [:]) -> Resolution {
        guard checksSKUs else { return .notChecked }
        if let item = items[sku] { return .contentItems(item: item) }
        if let item = inERP[sku] { return .erp(item: item) }
        return .unmapped
    }

    /// The SKUs found nowhere (neither in `content.items` nor in `inERP`), sorted.
    public func unmapped(inERP: [String: String] = [:]) -> [String] {
        missingFromItems.filter { inERP[$0] == nil }
    }
}
