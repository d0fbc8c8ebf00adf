import Foundation

/// Rates measured in rounds, for the ratio reports that interleave a candidate and its baseline
/// in the same run and keep the median round of each.
public enum RoundRate {
    /// Calls per second of `body` over `iterations` calls.
    public static func measure(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(iterations) / max(elapsed, 1e-9)
    }

    /// The median of `values` (0 when there are none).
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
