import Benchmark

/// Placeholder: the owner of the Ledger area adds its benchmarks here (each reported as a ratio to
/// a baseline measured in the same run). Registers nothing yet.
let benchmarks: @Sendable () -> Void = {}
