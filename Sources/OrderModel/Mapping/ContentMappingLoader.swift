import Yams

/// Reads the `content:` section of a mapping file (see ``ContentMapping``); problems are issues with
/// their line and column, like the status tables'.
struct ContentMappingLoader {
    let fileName: String
    var issues: [MappingIssue] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    mutating func load(_ node: Node) -> ContentMapping {
        var mapping = ContentMapping()
        guard let top = node.mapping else {
            record(node, node.string, .notAMapping(expected: "content mapping"))
            return mapping
        }
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "items": mapping.items = table(value)
            case "shipping_items": mapping.shippingItems = table(value)
            case "default_shipping_item": mapping.defaultShippingItem = scalar(value)
            case "default_customer": mapping.defaultCustomer = scalar(value)
            case "subsidiary": mapping.subsidiary = scalar(value)
            case "location": mapping.location = scalar(value)
            case "department": mapping.department = scalar(value)
            case "class": mapping.classID = scalar(value)
            case "guests":
                if let rule = value.string.flatMap(ContentMapping.GuestRule.init(rawValue:)) {
                    mapping.guests = rule
                } else {
                    record(value, value.string, .unknownKey(expected: "email or default"))
                }
            case "item_lookup":
                if let lookup = value.string.flatMap(ContentMapping.ItemLookup.init(rawValue:)) {
                    mapping.itemLookup = lookup
                } else {
                    record(value, value.string, .unknownKey(expected: "suiteql or off"))
                }
            case "item_lookup_ttl_seconds", "item_lookup_negative_ttl_seconds":
                guard let seconds = value.float ?? value.int.map(Double.init), seconds >= 0, seconds.isFinite else {
                    record(value, value.string, .unknownKey(expected: "seconds ≥ 0"))
                    continue
                }
                if key == "item_lookup_ttl_seconds" {
                    mapping.itemLookupTTLSeconds = seconds
                } else {
                    mapping.itemLookupNegativeTTLSeconds = seconds
                }
            case "rounding":
                if let decimals = value.int, (0...2).contains(decimals) {
                    mapping.rounding = decimals
                } else {
                    record(value, value.string, .unknownKey(expected: "rounding 0, 1 or 2"))
                }
            default:
                record(
                    keyNode, key,
                    .unknownKey(
                        expected:
                            "items, shipping_items, default_shipping_item, guests, default_customer, subsidiary, location, department, class, rounding, item_lookup, item_lookup_ttl_seconds, item_lookup_negative_ttl_seconds"
                    ))
            }
        }
        if mapping.guests == .default && mapping.defaultCustomer == nil {
            record(node, "guests: default", .missingKey)
        }
        return mapping
    }

    private mutating func table(_ node: Node) -> [String: String] {
        guard let mapping = node.mapping else {
            record(node, node.string, .notAMapping(expected: "SKU or method → ERP item id"))
            return [:]
        }
        var out: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let id = scalar(value) else { continue }
            if out[name] != nil {
                record(key, name, .duplicateKey(firstLine: nil))
                continue
            }
            out[name] = id
        }
        return out
    }

    private mutating func scalar(_ node: Node) -> String? {
        guard let text = node.scalar?.string, !text.isEmpty else {
            record(node, node.string, .notAMapping(expected: "an ERP internal id"))
            return nil
        }
        return text
    }

    private mutating func record(_ node: Node?, _ value: String?, _ problem: MappingIssue.Problem) {
        let mark = node?.mark
        issues.append(
            MappingIssue(file: fileName, line: mark?.line, column: mark?.column, value: value, problem: problem))
    }
}
