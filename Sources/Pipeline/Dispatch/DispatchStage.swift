import AsyncHTTPClient
import Kafka
import Ledger
import Logging
import OrderModel

/// The ERP dispatch stage, an effect kind: consumer group `<p>.dispatch` on `<p>.canonical`; brings
/// the ERP in line with each canonical change (``DispatchLogic``), every write an upsert by a
/// deterministic external id after reading what the ERP already has, so a retry, a replay, a
/// restart or another replica never makes an effect twice.
///
/// Writes go through one ``DestinationGate`` (circuit breaker, credential pause) and the ERP
/// client's concurrency limit. One batch is in flight at a time: its writes must land before it is
/// acknowledged, and an order's next batch must not overtake them.
public typealias DispatchStage = Stage<DispatchLogic>

extension Stage where Logic == DispatchLogic {
    /// Creates the stage and its consumer (joins the group in the background). `access`: the
    /// process's ERP client and gate, shared with retry and reconciliation (``ERPAccess``); without it
    /// the stage makes its own (`gate`: the destination's breaker when another stage shares it).
    public convenience init(
        kafka: KafkaConfig, topics: PipelineTopics, erp: ERPConfiguration, policy: DispatchPolicy = .init(),
        sink: any RecordSink, audit: any AuditSink, parking: any ParkingStore, gate: DestinationGate? = nil,
        access: ERPAccess? = nil, health: HealthState? = nil, replica: String = "dispatch-0",
        options: KafkaConsumerOptions = .init(), httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "driftless.dispatch")
    ) throws {
        try policy.validate()
        let client = try access?.client ?? ERPClient(configuration: erp, client: httpClient, logger: logger)
        let input = try StageConsumer(
            stage: .dispatch, kafka: kafka, topics: topics, input: topics.canonical, options: options, logger: logger)
        let gate = access?.gate ?? gate ?? .erp(erp, policy: policy, health: health, logger: logger)
        let dispatcher = OrderDispatcher(sync: ERPSync(client: client), gate: gate, policy: policy)
        let logic = DispatchLogic(
            dispatcher: dispatcher, parking: parking, tiers: policy.retryTiers, owns: { input.owns($0) })
        self.init(
            .dispatch, logic: logic, input: input, sink: sink, audit: audit, topics: topics, replica: replica,
            maxInFlight: 1, logger: logger)
    }

    /// The ERP destination's breaker and pause.
    public var gate: DestinationGate { logic.dispatcher.gate }
}
