import Foundation

/// One row of the settings table (``SettingsTable``): where a setting lives in the YAML file, the
/// environment variable that overrides it, what kind of value it takes, what it does, and how it is
/// read from and written into a ``PipelineConfiguration``.
///
/// The table is the schema of its sections: file parsing, environment overrides, unknown-key
/// detection, `driftless config show` and the settings reference (`docs/SETTINGS.md`) all read it, so
/// a new setting of those sections is one row.
struct Setting: Sendable {
    /// What a value is written as.
    enum Kind: String, Sendable {
        /// Free text.
        case text
        /// A whole number.
        case integer
        /// A decimal number.
        case number
        /// A whole number of milliseconds.
        case milliseconds
        /// A whole number of seconds.
        case seconds
        /// A duration as text: `90s`, `15m`, `1h30m`, `2d`, `2w`.
        case duration
        /// A list of texts (`[a, b]`).
        case list
        /// A map of texts (any key).
        case map
    }

    /// The dotted path in the YAML file (`ingest.port`).
    let key: String
    /// The environment variable that overrides the file (for ``Kind/map``: the variables' prefix).
    let environment: String?
    let kind: Kind
    /// One line on what it does, for the reference and `config show`.
    let doc: String
    /// The effective value as text (`config show`; secrets are never rows of this table).
    let show: @Sendable (PipelineConfiguration) -> String
    /// Writes a value read from the file or the environment; a value that does not parse throws the
    /// error `invalid` makes (naming the key or the variable).
    let assign: @Sendable (inout PipelineConfiguration, SettingValue, _ invalid: SettingInvalid) throws -> Void
}

/// A value as written: a scalar's text, a list's items, a map's entries.
enum SettingValue: Sendable, Equatable {
    case text(String)
    case list([String])
    case map([String: String])

    /// The scalar's text (a list or map where a scalar belongs is refused by the caller).
    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

/// Makes the error for a value that does not parse: naming the file's key, or the variable.
struct SettingInvalid: Sendable {
    let make: @Sendable (_ value: String, _ expected: String) -> PipelineConfigurationError

    /// A value of the file's `key`: the error says what was expected, never the value written (the
    /// line may hold a secret pasted in the wrong place).
    static func file(_ key: String, path: String) -> SettingInvalid {
        SettingInvalid { _, expected in .invalidFile(path: path, reason: "\(key): expected \(expected)") }
    }

    /// A value of the environment variable `name`.
    static func environment(_ name: String) -> SettingInvalid {
        SettingInvalid { value, _ in .invalidVariable(name: name, value: value) }
    }

    func callAsFunction(_ value: String, expected: String) -> PipelineConfigurationError {
        make(value, expected)
    }
}
