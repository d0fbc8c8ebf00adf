/// Every metric Driftless exports, with its `# HELP` text (swift-metrics has no help field, so
/// ``PipelineMetrics/exposition()`` adds these lines before each `# TYPE`). The table in
/// docs/ARCHITECTURE.md, "Metrics", lists the same names with their labels.
enum MetricCatalog {
    static let help: [String: String] = [
        "driftless_stage_records_total": "Records a stage settled, by stage and outcome.",
        "driftless_stage_batches_total": "Batches a stage settled.",
        "driftless_sync_total":
            "Canonical events dispatch finished, by result (success: the ERP shows them; failure: refused or out of attempts).",
        "driftless_time_to_sync_seconds":
            "Time from the channel event (from=channel_event) or its receipt by ingest (from=ingest_received) to its ERP write landing.",
        "driftless_retries_total": "Retries, by stage and tier (in-place: retried inside the stage).",
        "driftless_quarantined_total": "Records quarantined, by stage and reason code.",
        "driftless_dead_lettered_total": "Records dead-lettered, by stage.",
        "driftless_dead_letter_open_cases": "Dead-letter cases not resolved yet.",
        "driftless_oldest_hold_age_seconds":
            "How long the order held longest behind an event in the retry tiers has been held (0: none held).",
        "driftless_breaker_state": "1 for the current circuit-breaker state of a destination, 0 for the others.",
        "driftless_breaker_transitions_total": "Circuit-breaker state changes of a destination, by the state entered.",
        "driftless_consumer_buffer_messages": "Messages in a stage consumer's bounded buffer.",
        "driftless_consumer_buffer_capacity_messages": "Capacity of a stage consumer's buffer.",
        "driftless_consumer_buffer_fill_ratio": "Buffered messages over capacity (0 to 1).",
        "driftless_consumer_assigned_partitions": "Partitions assigned to a stage consumer.",
        "driftless_consumer_paused_partitions":
            "Partitions a stage consumer has paused (a retry not yet due, a rewind); back-pressure holds not counted.",
        "driftless_consumer_back_pressure_pauses_total":
            "Times a stage consumer held a partition back because its buffer share was full.",
        "driftless_consumer_rebalances_total": "Partition assignments and revocations seen by a stage consumer.",
        "driftless_consumer_lag_messages":
            "Consumer lag per group, topic and partition (high watermark minus committed offset).",
        "driftless_consumer_committed_offset": "Committed offset per group, topic and partition (-1: none).",
        "driftless_partition_high_watermark_offset": "High watermark per group, topic and partition.",
        "driftless_consumer_group_lag_messages": "Total lag of a stage's consumer group on its input topic.",
        "driftless_consumer_group_verdict":
            "1 for a consumer group's current lag verdict over the sampling window (OK, WARN, STALL, STOP), 0 for the others.",
        "driftless_build_info": "Always 1; the version and commit of the running build as labels.",
        "driftless_mismatches_total":
            "Order status mismatches seen (dispatch: Patterns 4 and 5; reconciliation: all), by pattern.",
        "driftless_reconciliation_duration_seconds": "Duration of reconciliation runs, by result.",
        "driftless_reconciliation_runs_total": "Reconciliation runs, by result.",
        "driftless_reconciliation_lease_lost_total":
            "Reconciliation runs stopped because their lease was taken over or lapsed, by reason.",
        "driftless_reconciliation_last_success_timestamp_seconds":
            "Unix time of the last reconciliation run that did not fail.",
        "driftless_ingest_requests_total": "Answers to ingest requests, by route and HTTP status.",
        "driftless_alerts_total": "Alert notices, by rule, transition, destination and delivery result.",
    ]

    /// `text` with a `# HELP` line before each `# TYPE` line of a catalogued metric.
    static func withHelp(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + help.count * 100)
        let prefix = Array("# TYPE ".utf8)
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: prefix) {
                let name = String(
                    decoding: line.dropFirst(prefix.count).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let text = help[name] { out += Array("# HELP \(name) \(text)\n".utf8) }
            }
            out += line
            out.append(UInt8(ascii: "\n"))
        }
        if text.last == UInt8(ascii: "\n") || text.isEmpty { out.removeLast() }
        return out
    }
}
