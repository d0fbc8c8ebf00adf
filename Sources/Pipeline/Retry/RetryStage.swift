import AsyncHTTPClient
import Kafka
import Ledger
import Logging
import OrderModel

/// The retry stage, an effect kind: consumer group `<p>.retry` on the retry tiers (all, or the ones
/// named); re-dispatches each record when it is due, then the events parked behind it
/// (``RetryLogic``, ``RetryDrain``). Beside the records, every `holdSweepInterval` the hold sweep
/// gives orphaned holds a way out (``HoldSweep``). Scales like every stage: replicas share the
/// tiers' partitions.
public typealias RetryStage = Stage<RetryLogic>

extension Stage where Logic == RetryLogic {
    /// Creates the stage and its consumer (joins the group in the background). `tiers`: the names
    /// of the tiers to read (empty: all of `policy.retryTiers`); an unknown name is a configuration error.
    public convenience init(
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
        let client = try access?.client ?? ERPClient(configuration: erp, client: httpClient, logger: logger)
        let input = try StageConsumer(
            stage: .retry, kafka: kafka, topics: topics, inputs: read.map { topics.retry(tier: $0.name) },
            options: options, logger: logger)
        let gate = access?.gate ?? gate ?? .erp(erp, policy: policy, health: health, logger: logger)
        // A `Retry-After` sends the record to its next tier at that time instead of holding the batch.
        let dispatcher = OrderDispatcher(
            sync: ERPSync(client: client), gate: gate, policy: policy, maxInPlaceWait: .zero)
        let drain = RetryDrain(
            dispatcher: dispatcher, parking: parking, tiers: policy.retryTiers, owns: { input.owns($0) })
        let sweep = HoldSweep(
            drain: drain, parking: parking, sink: sink, audit: audit, topics: topics, tiers: policy.retryTiers,
            grace: policy.holdSweepGrace, replica: replica, logger: logger)
        let consumer = input.consumer
        let logic = RetryLogic(
            drain: drain, tiers: read, sweep: sweep, maxConcurrentOrders: policy.maxConcurrentOrders,
            pause: { consumer.pause(redeliveringFrom: $0, until: $1) })
        let interval = policy.holdSweepInterval
        self.init(
            .retry, logic: logic, input: input, sink: sink, audit: audit, topics: topics, replica: replica,
            maxInFlight: 1, logger: logger,
            beside: { isStopping in
                while !isStopping() {
                    do {
                        try await Task.sleep(for: interval)
                    } catch { return }
                    await sweep.sweep(isStopping: isStopping)
                }
            })
    }

    /// The ERP destination's breaker and pause (shared with dispatch in one process).
    public var gate: DestinationGate { logic.drain.dispatcher.gate }

    /// The tiers this replica reads.
    public var tiers: [RetryTier] { logic.tiers }

    /// How late due records were handled, in milliseconds past their due time (p50, p99, max, over
    /// the latest 100k; a record is never handled before it is due).
    public var dueTimeError: (p50: Int, p99: Int, max: Int, count: Int) {
        get async { await logic.dueTimeError }
    }
}
