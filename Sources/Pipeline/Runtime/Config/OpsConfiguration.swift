import Foundation

/// The operations console's settings (`ops:` in the file, `DRIFTLESS_OPS_*` in the environment).
///
/// Without a token every `/ops` path answers 401: the console is never open by default.
public struct OpsConfiguration: Sendable {
    /// The token an operator logs in with; nil: the console refuses everyone.
    public var token: Secret?
    /// A listener of the console's own (`host:port`), keeping it off the webhook port; nil: the
    /// console is served under `/ops` on the main listener.
    public var listenHost: String?
    public var listenPort: Int?

    /// No token, no listener of its own.
    public init(token: Secret? = nil, listenHost: String? = nil, listenPort: Int? = nil) {
        self.token = token
        self.listenHost = listenHost
        self.listenPort = listenPort
    }

    static let tokenSource = SecretSource(
        valueVariable: "DRIFTLESS_OPS_TOKEN", fileVariable: "DRIFTLESS_OPS_TOKEN_FILE", valueKey: "ops.token",
        fileKey: "ops.tokenFile")

    /// Reads `ops:` from `file` (when given) and applies `DRIFTLESS_OPS_TOKEN[_FILE]` and
    /// `DRIFTLESS_OPS_LISTEN` over it.
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> OpsConfiguration {
        var section = OpsConfigFile.Section()
        if let file {
            section = try ConfigFileReader.decode(OpsConfigFile.self, from: file).value.ops ?? section
        }
        var configuration = OpsConfiguration()
        configuration.token = try tokenSource.resolve(
            environment: environment, fileValue: section.token, filePath: section.tokenFile)
        let listen = EnvironmentValues(environment: environment).value("DRIFTLESS_OPS_LISTEN") ?? section.listen
        if let listen {
            let (host, port) = try parseListen(listen)
            configuration.listenHost = host
            configuration.listenPort = port
        }
        return configuration
    }

    /// `host:port` (or `:port`, meaning 127.0.0.1) → its parts.
    static func parseListen(_ text: String) throws -> (String, Int) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":"), let port = Int(trimmed[trimmed.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw PipelineConfigurationError.invalidValue(field: "ops.listen", value: "\(text) (host:port)")
        }
        let host = String(trimmed[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
