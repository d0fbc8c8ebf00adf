import AsyncHTTPClient
import Foundation
import Kafka
import Ledger
import Logging
import OrderModel
import ServiceLifecycle

/// The retry stage: consumer group `<p>.retry` on the retry tiers (all, or the ones named);
/// re-dispatches each record when it is due, then the events parked behind it (``RetryLogic``,
/// ``RetryDrain``). Scales like every stage: replicas share the tiers' partitions.
public final class RetryStage: Service, CustomStringConvertible, Sendable {
    private let input: StageConsumer
    private let runner: StageRunner<RetryLogic>
    private let logic: RetryLogic
    private let sweep: HoldSweep
    private let sweepInterval: Duration
    private let stopped = StopFlag()
    /// What the stage did so far.
    public let counters = StageCounters()
    /// The ERP destination's breaker and pause (shared with dispatch in one process).
    public let gate: DestinationGate
    /// The tiers this replica reads.
    public let tiers: [RetryTier]

    public var description: String { "retry" }

    /// Creates the stage and its consumer (joins the group in the background). `tiers`: the names
    /// of the tiers to read (empty: all of `policy.retryTiers`); an unknown name is a configuration error.
    public init(
        kafka: KafkaConfig, topics: PipelineTopics, erp: ERPConfiguration, policy: DispatchPolicy = .init(),
        tiers names: [String] = [], sink: any RecordSink, audit: any AuditSink, parking: any ParkingStore,
        gate: DestinationGate? = nil, access: ERPAccess? = nil, health: HealthState? = nil,
        replica: String = "retry-0",
        options: KafkaConsumerOptions = .init(), httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "driftless.retry")
    ) throws {
        try policy.validate()
        let read = names.isEmpty ? policy.retryTiers : policy.retryTiers.filter { names.contains($0.name) }
        for name in names where !policy.retryTiers.contains(where: { $0.name == name }) {
            throw PipelineConfigurationError.invalidValue(
                field: "retry tier",
                value: "\(name) (configured: \(policy.retryTiers.map(\.name).joined(separator: ", ")))")
        }
        tiers = read
        let client = try access?.client ?? ERPClient(configuration: erp, client: httpClient, logger: logger)
        let input = try StageConsumer(
            stage: .retry, kafka: kafka, topics: topics, inputs: read.map { topics.retry(tier: $0.name) },
            options: options, logger: logger)
        self.input = input
        let gate = access?.gate ?? gate ?? .erp(erp, policy: policy, health: health, logger: logger)
        self.gate = gate
        // A `Retry-After` sends the record to its next tier at that time instead of holding the batch.
        let dispatcher = OrderDispatcher(
            sync: ERPSync(client: client), gate: gate, policy: policy, maxInPlaceWait: .zero)
        let drain = RetryDrain(
            dispatcher: dispatcher, parking: parking,
            sink: sink, tiers: policy.retryTiers, owns: { input.owns($0) })
        sweep = HoldSweep(
            drain: drain, parking: parking, sink: sink, audit: audit, topics: topics, tiers: policy.retryTiers,
            grace: policy.holdSweepGrace, replica: replica, logger: logger)
        sweepInterval = policy.holdSweepInterval
        let consumer = input.consumer
        let logic = RetryLogic(
            drain: drain, maxConcurrentOrders: policy.maxConcurrentOrders,
            pause: { consumer.pause(redeliveringFrom: $0, until: $1) })
        self.logic = logic
        runner = StageRunner(
            logic: logic,
            stage: .retry, input: input, sink: sink, audit: audit, topics: topics, replica: replica,
            counters: counters, maxInFlight: 1, logger: logger)
    }

    /// Runs until stopped (``stop()`` or graceful shutdown); the batch in hand is finished or given up.
    /// Beside the records, every `holdSweepInterval` the hold sweep gives orphaned holds a way out.
    public func run() async {
        let sweeping = Task { await self.sweepUntilStopped() }
        await runner.run()
        stopped.stop()
        sweeping.cancel()
        await sweeping.value
    }

    private func sweepUntilStopped() async {
        let stopped = self.stopped
        while !stopped.isStopped, !Task.isCancelled {
            do {
                try await Task.sleep(for: sweepInterval)
            } catch { return }
            await sweep.sweep(isStopping: { stopped.isStopped || Task.isCancelled })
        }
    }

    /// One pass of the hold sweep now (what the periodic pass does).
    @discardableResult
    func sweepHolds(now: Date = Date()) async -> Int {
        await sweep.sweep(now: now, isStopping: { false })
    }

    /// How late due records were handled, in milliseconds past their due time (p50, p99, max over
    /// the latest 100k; a record is never handled before it is due).
    public var dueTimeError: (p50: Int, p99: Int, max: Int, count: Int) {
        get async { await logic.dueTimeError }
    }

    /// The consumer's counters (buffer, pauses, rebalances).
    public var consumerStatistics: KafkaConsumerStatistics { input.statistics }

    /// Stops after the batch in hand.
    public func stop() {
        stopped.stop()
        input.stop()
    }
}
