import Foundation

/// The versioned mapping matrix: channel field values → dimensions, canonical states → ERP targets.
/// Load it with `load(yaml:fileName:)`; `default` is the bundled `default-mapping.yaml`.
public struct MappingMatrix: Hashable, Sendable {
    /// One field's value table.
    public struct Table: Hashable, Sendable {
        public var field: MappingField
        /// Value → patch.
        public var entries: [String: DimensionPatch]
        /// Values in file order (for documentation and diffs).
        public var order: [String]
        /// Declared canonical state per value, when the file states one (checked at load).
        public var declaredCanonical: [String: CanonicalState]

        public init(
            field: MappingField, entries: [String: DimensionPatch] = [:], order: [String] = [],
            declaredCanonical: [String: CanonicalState] = [:]
        ) {
            self.field = field
            self.entries = entries
            self.order = order
            self.declaredCanonical = declaredCanonical
        }

        /// The patch for `value`, or `MappingError.unmappedValue`.
        @inlinable
        public func patch(for value: String) throws(MappingError) -> DimensionPatch {
            guard let patch = entries[value] else {
                throw .unmappedValue(channel: field.channel, field: field.name, value: value)
            }
            return patch
        }
    }

    /// The file's `version:`.
    public var version: Int
    /// Where it came from (for messages).
    public var fileName: String
    public var summary: String?
    /// Field tables keyed by `MappingField.description` (`shopify.financial_status`).
    public var tables: [String: Table]
    /// ERP target of every canonical state.
    public var erpTargets: [CanonicalState: ERPTarget]
    /// How order content maps to ERP records (the file's `content:` section; ``ContentMapping/none``
    /// without one).
    public var content: ContentMapping

    public init(
        version: Int, fileName: String, summary: String? = nil, tables: [String: Table],
        erpTargets: [CanonicalState: ERPTarget], content: ContentMapping = .none
    ) {
        self.content = content
        self.version = version
        self.fileName = fileName
        self.summary = summary
        self.tables = tables
        self.erpTargets = erpTargets
    }

    /// The table of a field (empty when the file has none — loading rejects that for required fields).
    public func table(_ field: MappingField) -> Table {
        tables[field.description] ?? Table(field: field)
    }

    /// The ERP target of a canonical state.
    public func erpTarget(for state: CanonicalState) -> ERPTarget? { erpTargets[state] }

    /// Parses a mapping file's text; `fileName` is used in error messages.
    public static func load(yaml: String, fileName: String = "<mapping>") throws(MappingLoadError) -> MappingMatrix {
        var loader = MappingMatrixLoader(yaml: yaml, fileName: fileName)
        return try loader.load()
    }

    private static let bundled: Result<MappingMatrix, MappingLoadError> = {
        guard let url = Bundle.module.url(forResource: "default-mapping", withExtension: "yaml"),
            let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8)
        else {
            return .failure(
                MappingLoadError(issues: [
                    MappingIssue(
                        file: "default-mapping.yaml", line: nil, column: nil, value: nil,
                        problem: .syntax("bundled resource missing or not UTF-8"))
                ]))
        }
        do throws(MappingLoadError) {
            return .success(try load(yaml: text, fileName: "default-mapping.yaml"))
        } catch {
            return .failure(error)
        }
    }()

    /// The bundled default matrix (`Resources/default-mapping.yaml`), loaded once.
    public static var `default`: MappingMatrix {
        get throws(MappingLoadError) { try bundled.get() }
    }

    /// The bundled default matrix's text, for `mapping show` and diffs.
    public static var defaultYAML: String? {
        guard let url = Bundle.module.url(forResource: "default-mapping", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
