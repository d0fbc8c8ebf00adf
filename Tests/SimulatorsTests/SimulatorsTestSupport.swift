import DriftlessTesting

/// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held (assert
/// it). The same wait as PipelineTests' `eventually`: DriftlessTesting's `waitUntil`.
func eventually(
    timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    try await waitUntil(timeout: timeout, poll: .milliseconds(100), condition)
}
