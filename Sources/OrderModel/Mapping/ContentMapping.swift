/// How an order's content becomes ERP record content — the `content:` section of the mapping file,
/// next to the status tables:
///
/// ```yaml
/// content:
///   items:                 # channel SKU → NetSuite item internal id
///     MCS-CHR-M: "1101"
///   shipping_items:        # shipping method (Shopify shipping line code/title) → item id
///     Standard: "2001"
///   default_shipping_item: "2000"
///   guests: email          # email | default: how a guest checkout finds its customer
///   default_customer: "3000"
///   subsidiary: "1"
///   location: "2"
///   department: "3"
///   class: "4"
///   rounding: 2            # decimals of amounts written to the ERP
///   item_lookup: suiteql   # suiteql | off: SKUs missing from `items` are looked up in the ERP
///   item_lookup_ttl_seconds: 3600            # how long a found item is kept
///   item_lookup_negative_ttl_seconds: 60     # how long "no such item" is kept
/// ```
///
/// A mapping without `items` does not check SKUs; with it, an order line whose SKU is missing
/// quarantines the order with reason `unmapped-sku` (replayable once the mapping maps it). With
/// `item_lookup: suiteql` (the default) a SKU missing from `items` is first looked up in the ERP by
/// item `itemid` or `externalid` (one SuiteQL query per dispatch batch, answers cached); only a SKU
/// found in neither quarantines, at dispatch. With `off` (or without an ERP) validate checks the
/// table alone.
/// Tax: the sales order carries each line's tax amount as the channel computed it (accounts
/// without SuiteTax take it as is; with SuiteTax the ERP recomputes and reconciliation compares
/// the totals within the rounding tolerance).
public struct ContentMapping: Hashable, Sendable {
    /// How a guest (no channel customer id) is matched to an ERP customer.
    public enum GuestRule: String, Hashable, Sendable {
        /// Upsert a customer whose external id is `<channel>-guest-<email>`.
        case email
        /// Use `defaultCustomer`.
        case `default`
    }

    /// Whether SKUs missing from ``items`` are looked up in the ERP.
    public enum ItemLookup: String, Hashable, Sendable {
        /// `SELECT id, itemid, externalid FROM item WHERE itemid IN (…) OR externalid IN (…)`, cached.
        case suiteql
        /// The `items` table alone.
        case off
    }

    public var items: [String: String]
    /// How SKUs missing from ``items`` are resolved.
    public var itemLookup: ItemLookup = .suiteql
    /// Seconds a looked-up item is kept.
    public var itemLookupTTLSeconds: Double = 3600
    /// Seconds "no such item" is kept (an item created later in the ERP is found after this).
    public var itemLookupNegativeTTLSeconds: Double = 60
    public var shippingItems: [String: String]
    public var defaultShippingItem: String?
    public var guests: GuestRule
    public var defaultCustomer: String?
    public var subsidiary: String?
    public var location: String?
    public var department: String?
    public var classID: String?
    /// Decimals of amounts written to the ERP (0…2).
    public var rounding: Int

    public init(
        items: [String: String] = [:], shippingItems: [String: String] = [:], defaultShippingItem: String? = nil,
        guests: GuestRule = .email, defaultCustomer: String? = nil, subsidiary: String? = nil, location: String? = nil,
        department: String? = nil, classID: String? = nil, rounding: Int = 2
    ) {
        self.items = items
        self.shippingItems = shippingItems
        self.defaultShippingItem = defaultShippingItem
        self.guests = guests
        self.defaultCustomer = defaultCustomer
        self.subsidiary = subsidiary
        self.location = location
        self.department = department
        self.classID = classID
        self.rounding = rounding
    }

    /// No content mapping: SKUs are not checked.
    public static let none = ContentMapping()

    /// True when SKUs are checked (the mapping has an `items` table).
    public var checksSKUs: Bool { !items.isEmpty }

    /// Whether SKUs missing from ``items`` are looked up in the ERP (checked at dispatch, not validate).
    public var looksUpItems: Bool { checksSKUs && itemLookup == .suiteql }

    /// The SKUs of `content`'s lines this mapping does not map, sorted (empty when SKUs are not checked).
    public func unmappedSKUs(in content: OrderContent) -> [String] {
        guard checksSKUs else { return [] }
        return content.effectiveLines.compactMap(\.sku).filter { items[$0] == nil }.uniqueSorted()
    }

    /// The shipping item for `method`.
    public func shippingItem(for method: String) -> String? { shippingItems[method] ?? defaultShippingItem }

    /// The ERP customer's external id for `customer` of an order of `channel`:
    /// `<channel>-customer-<id>`; a guest by email `<channel>-guest-<email>` (``GuestRule/email``);
    /// nil when the configured default customer is to be used.
    public func customerExternalID(_ customer: OrderCustomer?, channel: Channel) -> String? {
        if let id = customer?.id, !id.isEmpty { return ERPEffect.externalID(channel.rawValue, "customer", id) }
        if guests == .email, let email = customer?.email, !email.isEmpty {
            return ERPEffect.externalID(channel.rawValue, "guest", email.lowercased())
        }
        return nil
    }
}

extension Array where Element == String {
    fileprivate func uniqueSorted() -> [String] { Array(Set(self)).sorted() }
}
