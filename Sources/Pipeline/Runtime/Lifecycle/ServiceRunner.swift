import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// How every long-running `driftless` command runs: its services under one `ServiceGroup`, SIGTERM
/// and SIGINT starting the group's graceful shutdown (services stop in reverse order of the list;
/// after `maximumGracefulShutdownDuration` the group is cancelled). One signal idiom for the whole
/// CLI: ``runServices(_:logger:signals:repeatedSignal:maximumGracefulShutdownDuration:)`` for a
/// command that just runs until stopped, a ``ServiceRunner`` when the caller also stops it itself
/// (``triggerGracefulShutdown()``), as ``PipelineRuntime`` does.
public final class ServiceRunner: Sendable {
    /// What a signal arriving while the graceful shutdown is already under way does.
    public enum RepeatedSignal: Sendable, Equatable {
        /// Nothing: the graceful shutdown goes on (bounded by `maximumGracefulShutdownDuration`).
        case ignore
        /// The process exits at once with this status (an impatient second Ctrl-C).
        case exit(Int32)
    }

    private let group: ServiceGroup
    private let signals: Bool
    private let repeatedSignal: RepeatedSignal
    private let logger: Logger

    /// `signals`: whether SIGTERM/SIGINT shut the group down (false: only
    /// ``triggerGracefulShutdown()`` does, e.g. a runtime inside a test or inside another command).
    public init(
        _ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger, signals: Bool = true,
        repeatedSignal: RepeatedSignal = .ignore, maximumGracefulShutdownDuration: Duration? = .seconds(30)
    ) {
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        group = ServiceGroup(configuration: configuration)
        self.signals = signals
        self.repeatedSignal = repeatedSignal
        self.logger = logger
    }

    /// Runs the services until they end (a graceful shutdown, or one whose termination ends the
    /// group); rethrows what ended the group.
    public func run() async throws {
        guard signals else {
            try await group.run()
            return
        }
        // Trapped before the group starts, so no signal between here and there is missed.
        let trapped = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let watch = Task { [group, repeatedSignal, logger] in
            var caught = 0
            for await signal in trapped {
                caught += 1
                if caught == 1 {
                    logger.notice("signal caught: shutting down gracefully", metadata: ["signal": "\(signal)"])
                    await group.triggerGracefulShutdown()
                } else if case .exit(let status) = repeatedSignal {
                    logger.notice("signal caught again: exiting at once", metadata: ["signal": "\(signal)"])
                    Foundation.exit(status)
                }
            }
        }
        defer { watch.cancel() }
        try await group.run()
    }

    /// Starts the graceful shutdown (remembered if the group has not started yet).
    public func triggerGracefulShutdown() async {
        await group.triggerGracefulShutdown()
    }
}

/// Runs `services` under one ``ServiceRunner`` until they end; SIGTERM/SIGINT shut them down
/// gracefully, in reverse order of the list.
public func runServices(
    _ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger, signals: Bool = true,
    repeatedSignal: ServiceRunner.RepeatedSignal = .ignore, maximumGracefulShutdownDuration: Duration? = .seconds(30)
) async throws {
    try await ServiceRunner(
        services, logger: logger, signals: signals, repeatedSignal: repeatedSignal,
        maximumGracefulShutdownDuration: maximumGracefulShutdownDuration
    ).run()
}
