/// The pure domain of Driftless: canonical order states, the mapping matrix, the order state machine
/// and the five mismatch patterns. No I/O lives here.
public enum OrderModelInfo {}
