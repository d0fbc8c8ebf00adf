/// Reads settings from environment variables: an empty variable counts as unset; a number that does
/// not parse is an error naming the variable.
struct EnvironmentValues {
    let environment: [String: String]

    /// The variable's text, nil when unset or empty.
    func value(_ name: String) -> String? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        return text
    }

    /// The variable as an integer, nil when unset or empty.
    func integer(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else { throw PipelineConfigurationError.invalidVariable(name: name, value: text) }
        return number
    }
}
