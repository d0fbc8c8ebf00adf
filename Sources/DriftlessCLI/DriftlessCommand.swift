import ArgumentParser
import Kafka

/// The `driftless` command: its verbs are subcommands.
public struct DriftlessCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "driftless",
        abstract: "Ends order status drift between sales channels and the ERP.",
        subcommands: [
            Version.self, DevBrokerCommand.self, MappingCommand.self, TraceCommand.self, LedgerCommand.self,
            RunCommand.self, SimulateCommand.self, DLQCommand.self, LagCommand.self, ReconcileCommand.self,
            DemoCommand.self, TopicsCommand.self,
        ]
    )

    public init() {}
}

/// `driftless version`: prints the version of Driftless and of librdkafka.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print versions.")
    func run() {
        print("driftless 0.1.0 (librdkafka \(librdkafkaVersion))")
    }
}
