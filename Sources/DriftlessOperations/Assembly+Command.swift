import ArgumentParser
import Logging
import Pipeline

extension Assembly {
    /// The composition root of a command's process; a configuration it refuses is the command's usage
    /// error (the message names the setting, never a secret).
    static func forCommand(_ configuration: PipelineConfiguration, logger: Logger) throws -> Assembly {
        do {
            return try Assembly(configuration: configuration, logger: logger)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
