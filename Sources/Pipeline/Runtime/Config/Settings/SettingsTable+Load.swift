import Yams

extension SettingsTable {
    /// Where a setting's effective value came from.
    enum Origin: String, Sendable {
        case `default`, file, environment
    }

    /// Applies every row's value from `document` (the composed YAML file, nil without one) and then
    /// from `environment` (which wins; an empty variable counts as unset). Returns where each row's
    /// value came from, by key.
    static func apply(
        file document: Node?, path: String?, environment: [String: String],
        to configuration: inout PipelineConfiguration
    ) throws -> [String: Origin] {
        var origins: [String: Origin] = [:]
        if let document {
            for row in rows {
                guard let value = try fileValue(of: row, in: document, path: path ?? "") else { continue }
                try row.assign(&configuration, value, .file(row.key, path: path ?? ""))
                origins[row.key] = .file
            }
        }
        for row in rows {
            guard let (value, variable) = environmentValue(of: row, in: environment) else { continue }
            try row.assign(&configuration, value, .environment(variable))
            origins[row.key] = .environment
        }
        return origins
    }

    /// The row's value in the file: nil when absent or null.
    static func fileValue(of row: Setting, in document: Node, path: String) throws -> SettingValue? {
        var node = document
        var walked: [String] = []
        for part in row.key.split(separator: ".").map(String.init) {
            guard case .mapping(let mapping) = node else {
                if node.null != nil { return nil }  // `kafka:` with nothing under it
                throw PipelineConfigurationError.invalidFile(
                    path: path, reason: "\(walked.joined(separator: ".")) must be a map of settings")
            }
            guard let child = mapping[Node(part)] else { return nil }
            node = child
            walked.append(part)
        }
        switch node {
        case .scalar:
            if node.null != nil { return nil }
            return .text(node.string ?? "")
        case .sequence(let items):
            return .list(items.map { $0.string ?? "" })
        case .mapping(let mapping):
            var entries: [String: String] = [:]
            for (key, value) in mapping {
                guard let name = key.string, let text = value.string else {
                    throw PipelineConfigurationError.invalidFile(
                        path: path, reason: "\(row.key) must map names to texts")
                }
                entries[name] = text
            }
            return .map(entries)
        }
    }

    /// The row's value in the environment and the variable it came from (for a map: its variables,
    /// `PREFIX_NAME_PARTS` → `name.parts`); nil when unset or empty.
    static func environmentValue(of row: Setting, in environment: [String: String]) -> (SettingValue, String)? {
        guard let variable = row.environment else { return nil }
        if row.kind == .map {
            var entries: [String: String] = [:]
            for (name, text) in environment where name.hasPrefix(variable) {
                let property = name.dropFirst(variable.count).lowercased().replacingOccurrences(of: "_", with: ".")
                entries[property] = text
            }
            return entries.isEmpty ? nil : (.map(entries), variable + "*")
        }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        return (.text(text), variable)
    }

    /// The keys the rows know, as the unknown-key check needs them: every row's path and its parents,
    /// and the maps that take any key.
    static var knownKeys: (asked: Set<String>, anyKeys: Set<String>) {
        var asked: Set<String> = []
        var anyKeys: Set<String> = []
        for row in rows {
            let parts = row.key.split(separator: ".").map(String.init)
            for end in 1...parts.count { asked.insert(parts[0..<end].joined(separator: ".")) }
            if row.kind == .map { anyKeys.insert(row.key) }
        }
        return (asked, anyKeys)
    }
}
