import Foundation

/// The benchmark settings every benchmark reads the same way from the environment.
public struct BenchEnvironment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// `DRIFTLESS_BENCH_BOOTSTRAP`, else `DRIFTLESS_TEST_BOOTSTRAP`: an independent broker (Tansu behind
    /// the proxy from `scripts/dev-broker`); nil: librdkafka's in-process mock cluster.
    public var bootstrap: String? {
        [values["DRIFTLESS_BENCH_BOOTSTRAP"], values["DRIFTLESS_TEST_BOOTSTRAP"]].compactMap { $0 }.first {
            !$0.isEmpty
        }
    }

    /// A positive integer setting; `fallback` when unset or not a number (values below 1 count as 1).
    public func number(_ name: String, _ fallback: Int) -> Int {
        values[name].flatMap { Int($0) }.map { max(1, $0) } ?? fallback
    }
}
