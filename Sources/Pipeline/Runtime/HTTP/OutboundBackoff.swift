import Foundation

/// An exponential back-off schedule: the n-th wait (n ≥ 1) is `initial · multiplier^(n−1)`, at most
/// `maximum`, then jittered. Computed in seconds as `Double`s, so no configuration can overflow it;
/// the policy clamps the result once when it becomes a `Duration` (``DurationSeconds``).
struct OutboundBackoff: Sendable, Equatable {
    /// How the ceiling of one wait is spread.
    enum Jitter: Sendable, Equatable {
        /// The ceiling itself.
        case none
        /// Uniformly anywhere in `0 … ceiling`, in whole milliseconds ("full jitter").
        case full
        /// Half the ceiling plus uniformly up to the other half, in whole milliseconds ("equal jitter").
        case equal
    }

    /// The first wait, in seconds.
    var initial: Double
    /// The longest wait before jitter, in seconds.
    var maximum: Double
    /// Growth per step (2: doubling; 1: a constant wait).
    var multiplier: Double = 2
    var jitter: Jitter = .none

    /// A schedule of `initial` doubling up to `maximum`.
    init(initial: Double, maximum: Double, multiplier: Double = 2, jitter: Jitter = .none) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// A schedule of `initial` doubling up to `maximum`.
    init(initial: Duration, maximum: Duration, jitter: Jitter = .none) {
        self.init(initial: DurationSeconds.of(initial), maximum: DurationSeconds.of(maximum), jitter: jitter)
    }

    /// A wait that never grows.
    static func constant(_ wait: Duration) -> OutboundBackoff {
        OutboundBackoff(initial: wait, maximum: wait)
    }

    /// The ceiling of the `step`-th wait (steps below 1 count as 1), in seconds.
    func ceiling(step: Int) -> Double {
        let exponent = Double(min(max(step, 1), 64) - 1)
        let grown = initial * pow(max(multiplier, 1), exponent)
        return grown.isNaN ? maximum : min(grown, maximum)
    }

    /// The `step`-th wait in seconds, jittered with `random`.
    func seconds(step: Int, random: inout some RandomNumberGenerator) -> Double {
        let ceiling = max(0, ceiling(step: step))
        switch jitter {
        case .none:
            return ceiling
        case .full:
            let milliseconds = min(ceiling * 1000, 1e15)
            return Double(Int64(Double.random(in: 0...max(1, milliseconds), using: &random))) / 1000
        case .equal:
            let half = Int64(min(ceiling * 500, 1e15))
            return Double(half + Int64.random(in: 0...half, using: &random)) / 1000
        }
    }
}
