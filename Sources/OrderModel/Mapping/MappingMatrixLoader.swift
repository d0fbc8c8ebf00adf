import Yams

/// Reads a mapping file through Yams' node API so that every problem carries its line and column.
/// Collects all problems instead of stopping at the first.
struct MappingMatrixLoader {
    let yaml: String
    let fileName: String
    private var issues: [MappingIssue] = []
    /// Canonical states that have an entry (possibly a broken one, reported on its own).
    private var declaredStates: Set<CanonicalState> = []

    init(yaml: String, fileName: String) {
        self.yaml = yaml
        self.fileName = fileName
    }

    mutating func load() throws(MappingLoadError) -> MappingMatrix {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw MappingLoadError(issues: [syntaxIssue(error)])
        } catch {
            throw MappingLoadError(issues: [issue(nil, nil, .syntax(String(describing: error)))])
        }
        guard let root, let top = root.mapping else {
            throw MappingLoadError(issues: [issue(root, root?.string, .notAMapping(expected: "top-level sections"))])
        }
        var version: Int?
        var summary: String?
        var tables: [String: MappingMatrix.Table] = [:]
        var targets: [CanonicalState: ERPTarget] = [:]
        var canonicalNode: Node?
        var content = ContentMapping.none
        for (key, value) in uniquePairs(top) {
            switch key {
            case "version":
                if let v = value.int, v >= 0, value.scalar?.style == .plain {
                    version = v
                } else {
                    record(value, value.string, .invalidVersion)
                }
            case "description":
                summary = value.string
            case "canonical_states":
                canonicalNode = value
                targets = loadTargets(value)
            case "content":
                var contentLoader = ContentMappingLoader(fileName: fileName)
                content = contentLoader.load(value)
                issues += contentLoader.issues
            case "shopify", "amazon", "erp":
                guard let channel = Channel(rawValue: key) else { continue }
                loadChannel(channel, value, into: &tables)
            default:
                record(keyNode(top, key), key, .unknownSection)
            }
        }
        if version == nil && !issues.contains(where: { $0.problem == .invalidVersion }) {
            issues.insert(issue(root, nil, .missingVersion), at: 0)
        }
        checkCompleteness(tables: tables, top: top)
        for state in CanonicalState.allCases where targets[state] == nil && !declaredStates.contains(state) {
            record(canonicalNode ?? root, state.rawValue, .missingCanonicalState)
        }
        guard issues.isEmpty, let version else {
            throw MappingLoadError(
                issues: issues.sorted { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) })
        }
        return MappingMatrix(
            version: version, fileName: fileName, summary: summary, tables: tables,
            erpTargets: targets, content: content)
    }

    // MARK: Sections

    private mutating func loadChannel(
        _ channel: Channel, _ node: Node, into tables: inout [String: MappingMatrix.Table]
    ) {
        guard let mapping = node.mapping else {
            record(node, node.string, .notAMapping(expected: "fields of \(channel.rawValue)"))
            return
        }
        for (name, value) in uniquePairs(mapping) {
            guard let field = MappingField.named(name, channel: channel) else {
                record(keyNode(mapping, name), name, .unknownField(channel: channel.rawValue))
                continue
            }
            tables[field.description] = loadTable(field, value)
        }
    }

    private mutating func loadTable(_ field: MappingField, _ node: Node) -> MappingMatrix.Table {
        var table = MappingMatrix.Table(field: field)
        guard let mapping = node.mapping else {
            record(node, node.string, .notAMapping(expected: "values of \(field)"))
            return table
        }
        for (value, entry) in uniquePairs(mapping) {
            let before = issues.count
            guard let (patch, declared) = loadPatch(entry, value: value) else { continue }
            let entryIsValid = issues.count == before
            table.entries[value] = patch
            table.order.append(value)
            if let declared, entryIsValid {
                table.declaredCanonical[value] = declared
                let derived = patch.appliedToInitial.canonicalState
                if derived != declared {
                    record(entry, value, .canonicalMismatch(declared: declared, derived: derived))
                }
            }
        }
        return table
    }

    private mutating func loadPatch(_ node: Node, value: String) -> (DimensionPatch, CanonicalState?)? {
        guard let mapping = node.mapping else {
            record(node, node.string, .notAMapping(expected: "dimensions of \(value)"))
            return nil
        }
        var patch = DimensionPatch()
        var declared: CanonicalState?
        for (dimension, v) in uniquePairs(mapping) {
            let text = v.string ?? ""
            switch dimension {
            case "payment": patch.payment = parse(PaymentStatus.self, v, text)
            case "fulfillment": patch.fulfillment = parse(FulfillmentStatus.self, v, text)
            case "lifecycle": patch.lifecycle = parse(LifecycleStatus.self, v, text)
            case "return": patch.returns = parse(ReturnStatus.self, v, text)
            case "canonical":
                declared = CanonicalState(rawValue: text)
                if declared == nil { record(v, text, .unknownCanonicalState) }
            default: record(keyNode(mapping, dimension), dimension, .unknownDimension)
            }
        }
        return (patch, declared)
    }

    private mutating func parse<D: OrderDimension>(_ type: D.Type, _ node: Node, _ text: String) -> D? {
        guard let value = D(rawValue: text) else {
            record(node, text, .unknownDimensionValue(dimension: D.dimensionName))
            return nil
        }
        return value
    }

    private mutating func loadTargets(_ node: Node) -> [CanonicalState: ERPTarget] {
        var targets: [CanonicalState: ERPTarget] = [:]
        guard let mapping = node.mapping else {
            record(node, node.string, .notAMapping(expected: "canonical state → ERP target"))
            return targets
        }
        for (name, value) in uniquePairs(mapping) {
            guard let state = CanonicalState(rawValue: name) else {
                record(keyNode(mapping, name), name, .unknownCanonicalState)
                continue
            }
            declaredStates.insert(state)
            guard let entry = value.mapping else {
                record(value, value.string, .notAMapping(expected: "erp_status and erp_action of \(name)"))
                continue
            }
            var status: ERPStatusCode?
            var action: ERPRecordAction?
            for (k, v) in uniquePairs(entry) {
                let text = v.string ?? ""
                switch k {
                case "erp_status":
                    status = ERPStatusCode(rawValue: text)
                    if status == nil { record(v, text, .unknownERPStatus) }
                case "erp_action":
                    action = ERPRecordAction(rawValue: text)
                    if action == nil { record(v, text, .unknownERPAction) }
                case "description": break
                default: record(keyNode(entry, k), k, .unknownKey(expected: "erp_status, erp_action, description"))
                }
            }
            if let status, let action { targets[state] = ERPTarget(status: status, action: action) }
            for required in ["erp_status", "erp_action"] where !entry.contains(where: { $0.key.string == required }) {
                record(value, required, .missingKey)
            }
        }
        return targets
    }

    private mutating func checkCompleteness(tables: [String: MappingMatrix.Table], top: Node.Mapping) {
        for field in MappingField.all {
            let table = tables[field.description]
            let channelNode = top[field.channel.rawValue]
            let anchor: Node? =
                channelNode?.mapping.flatMap { keyNode($0, field.name) }
                ?? channelNode.flatMap { _ in keyNode(top, field.channel.rawValue) }
            for value in field.requiredValues where table?.entries[value] == nil {
                record(anchor, value, .unmappedValue(channel: field.channel, field: field.name))
            }
        }
    }

    // MARK: Helpers

    /// The pairs of a mapping as (string key, value), reporting duplicate keys (Yams keeps them).
    private mutating func uniquePairs(_ mapping: Node.Mapping) -> [(String, Node)] {
        var seen: [String: Int?] = [:]
        var out: [(String, Node)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.null != nil ? "null" : (keyNode.string ?? "")
            if let first = seen[key] {
                record(keyNode, key, .duplicateKey(firstLine: first))
                continue
            }
            seen[key] = keyNode.mark?.line
            out.append((key, value))
        }
        return out
    }

    private func keyNode(_ mapping: Node.Mapping, _ key: String) -> Node? {
        mapping.first { ($0.key.null != nil ? "null" : $0.key.string) == key }?.key
    }

    private mutating func record(_ node: Node?, _ value: String?, _ problem: MappingIssue.Problem) {
        issues.append(issue(node, value, problem))
    }

    private func issue(_ node: Node?, _ value: String?, _ problem: MappingIssue.Problem) -> MappingIssue {
        MappingIssue(file: fileName, line: node?.mark?.line, column: node?.mark?.column, value: value, problem: problem)
    }

    private func syntaxIssue(_ error: YamlError) -> MappingIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return MappingIssue(
                file: fileName, line: mark.line, column: mark.column, value: nil, problem: .syntax(problem))
        default:
            return issue(nil, nil, .syntax(String(describing: error)))
        }
    }
}
