import Foundation

/// Per-batch timings on stderr when `DRIFTLESS_STAGE_TRACE=1` (diagnostics for the benchmark; off
/// by default and free when off).
enum StageTrace {
    static let enabled = ProcessInfo.processInfo.environment["DRIFTLESS_STAGE_TRACE"] == "1"
    private static let origin = ContinuousClock.now

    /// Milliseconds since the process started tracing.
    static func now() -> Double {
        let elapsed = origin.duration(to: .now)
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    /// Writes `line` prefixed with the time.
    static func log(_ line: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("[\(String(format: "%.1f", now()))] \(line())\n".utf8))
    }
}
