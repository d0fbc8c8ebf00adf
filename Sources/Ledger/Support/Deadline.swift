/// Runs `body`, failing with ``LedgerError/timeout(_:seconds:)`` when it takes longer than `limit`.
/// The body is cancelled on timeout.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Optional<T>.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else {
            throw LedgerError.timeout(what, seconds: limit.seconds)
        }
        guard let value = first else { throw LedgerError.timeout(what, seconds: limit.seconds) }
        return value
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
