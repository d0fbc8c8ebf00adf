import ArgumentParser
import Foundation
import Pipeline

/// `driftless config show` and `driftless config reference`: the effective configuration (secrets as
/// set/unset only) and the settings reference, both from the settings table.
package struct ConfigCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The effective configuration, and the settings reference.",
        subcommands: [Show.self, Reference.self])

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

    /// `driftless config show [--config F]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every setting's effective value and where it came from (default, file, env); secrets as set/unset.",
            discussion: """
                Loads and validates exactly as `driftless run` does: a configuration `run` refuses is \
                refused here with the same error. Secrets (the Shopify secret, ERP credentials, LWA \
                tokens, alert URLs, the console token, a ledger URL's password, Kafka properties \
                naming a password, secret, key or token) are never printed.
                """)

        @Option(name: .long, help: "YAML configuration file.")
        var config: String?

        func run() async throws {
            do {
                print(try ConfigurationReport.text(file: config), terminator: "")
            } catch let error as PipelineConfigurationError {
                throw ValidationError(error.description)
            }
        }
    }

    /// `driftless config reference`: docs/SETTINGS.md.
    struct Reference: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The settings reference (Markdown), as checked in at docs/SETTINGS.md.")

        func run() async throws {
            print(SettingsReference.markdown, terminator: "")
        }
    }
}
