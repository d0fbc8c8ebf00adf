/// A channel value the mapping matrix does not map (boundary validation: quarantine the payload).
public enum MappingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `value` of `field` (e.g. `financial_status`) from `channel` has no entry in the matrix.
    case unmappedValue(channel: Channel, field: String, value: String)

    public var description: String {
        switch self {
        case .unmappedValue(let channel, let field, let value):
            "unmapped value \"\(value)\" for \(channel.rawValue).\(field)"
        }
    }
}

/// One problem found while loading a mapping file, with its place in the file.
public struct MappingIssue: Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case syntax(String)
        case missingVersion
        case invalidVersion
        case notAMapping(expected: String)
        case unknownSection
        case unknownField(channel: String)
        case unknownDimension
        case unknownKey(expected: String)
        case missingKey
        case unknownDimensionValue(dimension: String)
        case duplicateKey(firstLine: Int?)
        case unmappedValue(channel: Channel, field: String)
        case unknownCanonicalState
        case missingCanonicalState
        case unknownERPStatus
        case unknownERPAction
        case canonicalMismatch(declared: CanonicalState, derived: CanonicalState)
    }

    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    public var column: Int?
    /// The offending value (key or scalar).
    public var value: String?
    public var problem: Problem

    public init(file: String, line: Int?, column: Int?, value: String?, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.problem = problem
    }

    /// `file:line:column: message`.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }

    /// The message without the place.
    public var message: String {
        let v = value.map { "\"\($0)\"" } ?? "value"
        switch problem {
        case .syntax(let reason): return "YAML syntax error: \(reason)"
        case .missingVersion: return "missing required top-level `version:`"
        case .invalidVersion: return "`version:` must be a non-negative integer, found \(v)"
        case .notAMapping(let expected): return "expected a mapping (\(expected)), found \(v)"
        case .unknownSection:
            return
                "unknown top-level section \(v) (expected version, description, canonical_states, shopify, amazon, erp, content)"
        case .unknownField(let channel): return "unknown field \(v) for channel \(channel)"
        case .missingKey: return "missing required key \(v)"
        case .unknownKey(let expected): return "unknown key \(v) (expected \(expected))"
        case .unknownDimension:
            return "unknown dimension \(v) (expected payment, fulfillment, lifecycle, return, canonical)"
        case .unknownDimensionValue(let dimension): return "unknown \(dimension) value \(v)"
        case .duplicateKey(let first):
            return "duplicate key \(v)" + (first.map { " (first defined on line \($0))" } ?? "")
        case .unmappedValue(let channel, let field): return "unmapped value \(v) for \(channel.rawValue).\(field)"
        case .unknownCanonicalState:
            return
                "unknown canonical state \(v) (expected one of \(CanonicalState.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .missingCanonicalState: return "canonical state \(v) has no ERP target"
        case .unknownERPStatus: return "unknown ERP status code \(v) (expected A–H)"
        case .unknownERPAction:
            return
                "unknown ERP action \(v) (expected one of \(ERPRecordAction.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .canonicalMismatch(let declared, let derived):
            return "entry \(v) declares canonical \(declared.rawValue) but its dimensions give \(derived.rawValue)"
        }
    }
}

/// Loading a mapping file failed; `issues` lists every problem found, in file order.
public struct MappingLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public var issues: [MappingIssue]
    public init(issues: [MappingIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
