import ArgumentParser
import Pipeline

/// The configuration and the brokers of a verb that talks to Kafka from outside a running process
/// (`lag`, `topics`): `--config` / the environment, with `--bootstrap` overriding the configured servers.
struct BrokerTarget {
    var configuration: PipelineConfiguration
    var bootstrapServers: String

    /// Loads the configuration (errors become usage errors) and resolves the brokers; without any,
    /// the error names the settings and ends with `embeddedHint` (what an embedded run offers instead).
    init(config: String?, bootstrap: String?, embeddedHint: String) throws {
        do {
            configuration = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        guard let servers = bootstrap ?? configuration.bootstrapServers else {
            throw ValidationError(
                "no Kafka brokers configured (DRIFTLESS_KAFKA_BOOTSTRAP, kafka.bootstrapServers or --bootstrap); "
                    + embeddedHint)
        }
        bootstrapServers = servers
    }
}
