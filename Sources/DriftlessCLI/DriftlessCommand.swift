import ArgumentParser
import DriftlessOperations
import Foundation
import Kafka
import Pipeline

/// The `driftless` command: its verbs are subcommands.
public struct DriftlessCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "driftless",
        abstract: "Ends order status drift between sales channels and the ERP.",
        version: Version.text,
        subcommands: [
            Version.self, DevBrokerCommand.self, MappingCommand.self, TraceCommand.self, LedgerCommand.self,
            RunCommand.self, SimulateCommand.self, DLQCommand.self, LagCommand.self, ReconcileCommand.self,
            DemoCommand.self, TopicsCommand.self, ChaosCommand.self, ConfigCommand.self,
        ]
    )

    public init() {}

    /// Parses, runs the verb, and on failure prints the error followed by **that verb's** usage
    /// (ArgumentParser's own `main` shows the root's usage for errors raised while a verb runs).
    public static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var verb = command as? any AsyncParsableCommand {
                try await verb.run()
            } else {
                var verb = command
                try verb.run()
            }
        } catch {
            let failure = failureText(for: error, in: type(of: command))
            guard let failure else { exit(withError: error) }
            FileHandle.standardError.write(Data((failure + "\n").utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }

    /// What a failure of `verb` prints: the message and, for a usage error, the verb's usage line.
    /// Nil for clean exits (`--help`, `ExitCode`), which ArgumentParser prints itself.
    static func failureText(for error: any Error, in verb: any ParsableCommand.Type) -> String? {
        if error is ExitCode || error is CleanExit { return nil }
        let message = "Error: " + Self.message(for: error)
        guard error is ValidationError else { return message }
        let usage = usageString(for: verb)
        let path = usage.split(separator: " ").prefix { !"[<-".contains($0.first ?? "-") }.joined(separator: " ")
        return message + "\nUsage: " + usage + "\n  See '\(path) --help' for more information."
    }
}

/// `driftless version` (also `driftless --version`): the version of Driftless and of librdkafka.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print versions.")

    /// The version line.
    static var text: String {
        "driftless \(BuildInfo.version) (commit \(BuildInfo.commit), librdkafka \(librdkafkaVersion))"
    }

    func run() {
        print(Self.text)
    }
}
