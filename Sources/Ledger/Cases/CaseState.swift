/// Where a dead-letter case stands.
///
/// `open` → (`dlq replay`) `replayed` → (the replayed event got through the stage that failed)
/// `resolved`; a replayed record that fails again reopens its case. `dlq discard` ends a case for good.
/// Raw values are the stored spelling; they never change once released.
public enum CaseState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an operator.
    case open
    /// Re-entered at the stage that failed; not yet seen getting through it.
    case replayed
    /// The replayed event got through the stage that failed.
    case resolved
    /// Given up on by an operator (with a reason).
    case discarded
}
