import Kafka
import Ledger
import Logging
import OrderModel

/// Translate's logic, a transform (its plan is the canonical records it produces). An actor: its
/// state is the **overlay**, the order states that batches in flight planned and have not saved
/// yet, so batch N+1 is planned while batch N's records and save are under way.
///
/// plan: each record's observation (from `dl-observation`, else the payload) → the ledger states
/// of the batch's orders the overlay does not hold → ``TranslatePlanner`` on those, overridden by
/// the overlay → the plan's states join the overlay. settle (after the canonical records' acks,
/// strictly in batch order): save the states (``StateSaver``, only-if-newer) → drop the saved
/// states from the overlay → audit rows, relabelling as `duplicate`/`applied-by-other-replica` the
/// events the ledger shows another replica applied.
public actor TranslateLogic: TransformLogic {
    private let planner: TranslatePlanner
    private let ledger: any LedgerStore
    private let saver: StateSaver
    private var overlay: [String: TranslatePlanner.Planned] = [:]

    init(planner: TranslatePlanner, ledger: any LedgerStore, logger: Logger) {
        self.planner = planner
        self.ledger = ledger
        saver = StateSaver(ledger: ledger, logger: logger)
    }

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> TranslatePlanner.Plan? {
        let decoder = planner.decoder
        let decoded = await ParallelBatch.map(batch, minimumSlice: 128) { message in
            Result { () throws(StageRejection) in try decoder.decodeValidated(message) }
        }
        let snapshot = overlay
        var keys: Set<String> = []
        for case .success(let (_, observation)) in decoded {
            let key = observation.key.description
            if snapshot[key] == nil { keys.insert(key) }
        }
        let orderKeys = Array(keys)
        let ledger = self.ledger
        let loaded = await retryUntilStopped(
            "translate state load", logger: context.logger, shouldStop: context.isStopping
        ) {
            try await ledger.loadStates(orders: orderKeys)
        }
        guard let rows = loaded, !context.isStopping() else { return nil }
        var states: [String: OrderStateRecord] = [:]
        for row in rows where row.system == OrderKey(row.orderKey)?.channel.rawValue {
            states[row.orderKey] = row
        }
        let plan = planner.plan(batch, decoded: decoded, states: states, overlay: snapshot)
        overlay.merge(plan.latest) { _, new in new }
        return plan
    }

    nonisolated func outputs(_ plan: TranslatePlanner.Plan) -> StageOutputs {
        StageOutputs(records: plan.records, sources: plan.sources)
    }

    func settle(
        _ batch: [KafkaMessage], _ plan: TranslatePlanner.Plan, undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        var attempts = 0
        let saver = self.saver
        let saved = await retryUntilStopped(
            "translate state save", logger: context.logger, shouldStop: context.isStopping
        ) {
            attempts += 1
            return try await saver.save(plan.saves)
        }
        guard let elsewhere = saved else { return .gaveUp }
        for (key, planned) in plan.latest where overlay[key]?.version == planned.version {
            overlay[key] = nil
        }
        var rows = plan.otherAudit + undeliverable.map(\.output.audit)
        for (key, applied) in plan.appliedAudit {
            let foreign = elsewhere[key] ?? 0
            for (index, var row) in applied.enumerated() {
                if index < foreign {
                    row.hop = .duplicate
                    row.reason = "applied-by-other-replica"
                }
                rows.append(row)
            }
        }
        var counts = StageCounts()
        counts.retries = attempts - 1
        counts.produced = plan.translated - undeliverable.count
        counts.translated = plan.translated
        counts.unchanged = plan.unchanged
        counts.stale = plan.stale
        counts.duplicates = plan.duplicates
        counts.illegal = plan.illegal
        counts.quarantined = plan.quarantined + undeliverable.count
        counts.appliedElsewhere = elsewhere.values.reduce(0, +)
        return .settled(audit: rows, counts: counts)
    }

    func reset() {
        overlay = [:]
    }
}
