/// Why the configuration could not be loaded. Never contains secret values.
public enum PipelineConfigurationError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidFile(path: String, reason: String)
    case invalidVariable(name: String, value: String)
    case invalidValue(field: String, value: String)
    /// A secret setting is present but empty or whitespace only (names the setting, not the value).
    case emptySecret(setting: String)
    /// A setting another one needs is missing.
    case missingSetting(setting: String, neededBy: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidFile(let path, let reason): "invalid config file \(path): \(reason)"
        case .invalidVariable(let name, let value): "invalid value for \(name): \(value)"
        case .invalidValue(let field, let value): "invalid \(field): \(value)"
        case .missingSetting(let setting, let neededBy): "\(setting) is required when \(neededBy) is set"
        case .emptySecret(let setting):
            "\(setting) is set but empty: a secret must not be empty (unset it to leave its feature off)"
        }
    }
}
