import ArgumentParser
import DriftlessOperations
import Foundation
import KafkaCompatProxy
import Logging
import Pipeline

/// `driftless dev-broker`: tools behind `scripts/dev-broker` (the local Tansu development broker).
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Tools for the local development broker (see scripts/dev-broker).",
        subcommands: [Proxy.self]
    )
}

extension DevBrokerCommand {
    /// `driftless dev-broker proxy`: runs the ApiVersions-rewriting Kafka proxy in the foreground
    /// until SIGTERM or SIGINT.
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Kafka compatibility proxy (librdkafka 2.0.2 ↔ Tansu) until SIGTERM/SIGINT."
        )

        @Option(help: "Address to listen on, host:port.")
        var listen: HostPort = HostPort(host: "127.0.0.1", port: 19092)

        @Option(help: "The broker behind the proxy, host:port.")
        var upstream: HostPort = HostPort(host: "127.0.0.1", port: 19093)

        @Option(help: "Largest Kafka frame accepted, in bytes; longer frames close their connection.")
        var maxFrameBytes: Int = KafkaCompatProxy.defaultMaximumFrameLength

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        @Flag(
            help: """
                Forward consumers' LeaveGroup requests to the broker. By default the proxy answers them \
                itself: Tansu 0.6.0 can lose a group's leader on a LeaveGroup during a rebalance and then \
                never complete one (the member is dropped by session timeout instead).
                """)
        var forwardLeaveGroup = false

        func validate() throws {
            guard maxFrameBytes > 0 else { throw ValidationError("--max-frame-bytes must be positive") }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("unknown --log-level '\(logLevel)'")
            }
        }

        func run() async throws {
            var logger = Logger(label: "driftless.dev-broker.proxy")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let proxy = KafkaCompatProxy(
                listenHost: listen.host,
                listenPort: listen.port,
                upstreamHost: upstream.host,
                upstreamPort: upstream.port,
                maximumFrameLength: maxFrameBytes,
                answersLeaveGroup: !forwardLeaveGroup,
                logger: logger
            )
            let port = try await proxy.start()
            // Written unbuffered so scripts reading a log file see it at once.
            let banner = "kafka-compat-proxy listening on \(listen.host):\(port) → \(upstream.host):\(upstream.port)\n"
            FileHandle.standardOutput.write(Data(banner.utf8))
            try await runServices(
                [.init(service: UntilShutdown("kafka-compat-proxy") { await proxy.stop() })], logger: logger,
                maximumGracefulShutdownDuration: nil)
        }
    }

    /// A `host:port` command-line value.
    struct HostPort: ExpressibleByArgument, Sendable {
        var host: String
        var port: Int

        init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        init?(argument: String) {
            guard let colon = argument.lastIndex(of: ":"),
                let port = Int(argument[argument.index(after: colon)...]),
                (0...65_535).contains(port)
            else { return nil }
            let host = String(argument[..<colon])
            self.init(host: host.isEmpty ? "127.0.0.1" : host, port: port)
        }

        var defaultValueDescription: String { "\(host):\(port)" }
    }
}
