/// What changed between two mapping matrices.
public struct MappingDiff: Hashable, Sendable {
    /// One changed entry.
    public struct Change: Hashable, Sendable, CustomStringConvertible {
        public enum Kind: String, Hashable, Sendable { case added, removed, changed }
        public var kind: Kind
        /// `shopify.financial_status` or `canonical_states`.
        public var section: String
        public var key: String
        public var old: String?
        public var new: String?

        public var description: String {
            switch kind {
            case .added: "+ \(section) \(key): \(new ?? "")"
            case .removed: "- \(section) \(key): \(old ?? "")"
            case .changed: "~ \(section) \(key): \(old ?? "") → \(new ?? "")"
            }
        }
    }

    public var oldVersion: Int
    public var newVersion: Int
    public var changes: [Change]

    /// True when nothing but possibly the version changed.
    public var isEmpty: Bool { changes.isEmpty }

    /// Compares two matrices entry by entry.
    public init(old: MappingMatrix, new: MappingMatrix) {
        oldVersion = old.version
        newVersion = new.version
        var changes: [Change] = []
        for field in MappingField.all {
            let a = old.table(field)
            let b = new.table(field)
            let keys = a.order + b.order.filter { a.entries[$0] == nil }
            for key in keys {
                switch (a.entries[key], b.entries[key]) {
                case (nil, let n?):
                    changes.append(Change(kind: .added, section: field.description, key: key, new: n.description))
                case (let o?, nil):
                    changes.append(Change(kind: .removed, section: field.description, key: key, old: o.description))
                case (let o?, let n?) where o != n:
                    changes.append(
                        Change(
                            kind: .changed, section: field.description, key: key, old: o.description,
                            new: n.description))
                default: break
                }
            }
        }
        for state in CanonicalState.allCases {
            let o = old.erpTarget(for: state)
            let n = new.erpTarget(for: state)
            if o != n {
                changes.append(
                    Change(
                        kind: o == nil ? .added : (n == nil ? .removed : .changed), section: "canonical_states",
                        key: state.rawValue, old: o?.description, new: n?.description))
            }
        }
        self.changes = changes + Self.contentChanges(old: old.content, new: new.content)
    }

    /// Human-readable report.
    public var text: String {
        var out = "version \(oldVersion) → \(newVersion)"
        if oldVersion == newVersion && !changes.isEmpty { out += " (warning: entries changed but version did not)" }
        out += "\n"
        if changes.isEmpty { return out + "no mapping changes\n" }
        return out + changes.map { $0.description + "\n" }.joined()
    }
}

/// Replays recorded payloads through two matrices and reports those that translate differently.
public enum PayloadReplay {
    /// A recorded payload.
    public struct Payload: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// A payload whose translation differs (or that neither matrix can read, `old == new`).
    public struct Difference: Hashable, Sendable, CustomStringConvertible {
        public var name: String
        public var channel: Channel?
        public var old: String
        public var new: String
        public var description: String {
            "\(name)\(channel.map { " (\($0.rawValue))" } ?? "")\n    old: \(old)\n    new: \(new)"
        }
    }

    /// The result of a replay.
    public struct Report: Hashable, Sendable {
        public var checked: Int
        public var differences: [Difference]
        /// Payloads that are not a Shopify, Amazon or NetSuite-style order at all.
        public var unreadable: [String]
    }

    /// Which channel a payload belongs to: the first of Shopify, Amazon, NetSuite-style that decodes.
    public static func channel(of bytes: [UInt8], maxBytes: Int = PayloadLimits.defaultMaxBytes) -> Channel? {
        if (try? ShopifyOrder.decode(from: bytes, maxBytes: maxBytes)) != nil { return .shopify }
        if (try? AmazonOrder.decode(from: bytes, maxBytes: maxBytes)) != nil { return .amazon }
        if (try? NetSuiteSalesOrder.decode(from: bytes, maxBytes: maxBytes)) != nil { return .erp }
        return nil
    }

    /// Translates every payload with both matrices.
    public static func compare(old: MappingMatrix, new: MappingMatrix, payloads: [Payload]) -> Report {
        let a = ChannelTranslator(matrix: old)
        let b = ChannelTranslator(matrix: new)
        var differences: [Difference] = []
        var unreadable: [String] = []
        for payload in payloads {
            guard let channel = channel(of: payload.bytes) else {
                unreadable.append(payload.name)
                continue
            }
            let o = outcome(a, old, channel, payload.bytes)
            let n = outcome(b, new, channel, payload.bytes)
            if o != n { differences.append(Difference(name: payload.name, channel: channel, old: o, new: n)) }
        }
        return Report(checked: payloads.count, differences: differences, unreadable: unreadable)
    }

    /// `SHIPPED (payment=… ) → F Pending Billing / itemFulfillmentCreated` or `error: …`.
    static func outcome(_ t: ChannelTranslator, _ m: MappingMatrix, _ channel: Channel, _ bytes: [UInt8]) -> String {
        do {
            let obs = try t.translate(channel: channel, payload: bytes, eventID: "replay")
            let target = m.erpTarget(for: obs.canonicalState).map { " → \($0.status) / \($0.action.rawValue)" } ?? ""
            return "\(obs.canonicalState.rawValue) (\(obs.dimensions))\(target)"
        } catch {
            return "error: \(error)"
        }
    }
}
