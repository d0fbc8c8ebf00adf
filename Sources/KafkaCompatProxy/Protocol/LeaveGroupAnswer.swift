import NIOCore

/// The proxy's own answer to a consumer's LeaveGroup, so Tansu 0.6.0 never receives one.
///
/// Why: Tansu 0.6.0's group coordinator, given a LeaveGroup while a rebalance is in progress, removes
/// the member but keeps it as the group's leader; only the leader's SyncGroup completes a
/// rebalance and a new leader is chosen only when there is none, so every member's SyncGroup is
/// answered `REBALANCE_IN_PROGRESS` from then on and the group holds no partition — indefinitely
/// (the chaos run's scale-down 3→1 of dispatch: two clean stops close together, the leader's
/// second). Its other two ways of losing a member — an ordinary leave outside a rebalance and a
/// session timeout — clear a departed leader. Unanswered by the broker, the leaving member is
/// dropped by session timeout instead: its partitions move `session.timeout.ms` later, nothing else
/// changes (its offsets were committed before it sent the LeaveGroup).
///
/// Only versions 0–2 are answered (librdkafka before 2.2 sends LeaveGroup v0–v1; v3+ carries
/// per-member results and is forwarded unchanged). Kafka protocol: LeaveGroup response v0 =
/// `error_code`; v1–v2 = `throttle_time_ms`, `error_code` (response header v0: the correlation id).
public enum LeaveGroupAnswer {
    /// Kafka's api key of LeaveGroup.
    public static let apiKey: Int16 = 13
    /// Highest LeaveGroup version answered by the proxy.
    public static let maximumVersion: Int16 = 2

    /// The complete response frame (length prefix included) answering `header` with no error, or
    /// nil when the request is not a LeaveGroup of a version the proxy answers.
    public static func response(to header: KafkaRequestHeader, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard header.apiKey == apiKey, (0...maximumVersion).contains(header.apiVersion) else { return nil }
        let body: Int32 = header.apiVersion == 0 ? 4 + 2 : 4 + 4 + 2
        var frame = allocator.buffer(capacity: 4 + Int(body))
        frame.writeInteger(body)
        frame.writeInteger(header.correlationID)
        if header.apiVersion >= 1 { frame.writeInteger(Int32(0)) }  // throttle_time_ms
        frame.writeInteger(Int16(0))  // error_code: NONE
        return frame
    }
}
