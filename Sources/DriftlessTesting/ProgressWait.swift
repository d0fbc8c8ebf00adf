import Foundation

/// How a ``waitMakingProgress(stall:poll:progress:until:)`` ended.
public enum ProgressWait: Sendable, Equatable, CustomStringConvertible {
    /// The condition held.
    case done
    /// The condition did not hold and the progress measure stood still for the stall limit;
    /// `progress` is its last value, described.
    case stalled(progress: String, stall: Duration)

    /// Whether the condition held.
    public var isDone: Bool { self == .done }

    public var description: String {
        switch self {
        case .done: "done"
        case .stalled(let progress, let stall): "no progress for \(stall) (stuck at \(progress))"
        }
    }
}

/// Waits until `done` holds, however long that takes while the work advances: the deadline is "no
/// progress for `stall`", never "all done by T". Every time `progress` returns a value different from
/// the last one, the stall clock starts again, so a slow machine (other builds, the other shard)
/// makes the wait longer, not the test red; a stuck pipeline still fails after `stall`.
///
/// `progress` must measure work that ends (records consumed, effects applied), not attempts, or a
/// wait on a system that retries forever would never end.
public func waitMakingProgress<Progress: Equatable & Sendable>(
    stall: Duration = .seconds(60), poll: Duration = .milliseconds(100),
    progress: @Sendable () async throws -> Progress,
    until done: @Sendable () async throws -> Bool
) async rethrows -> ProgressWait {
    let clock = ContinuousClock()
    var last = try await progress()
    var lastChange = clock.now
    while true {
        if try await done() { return .done }
        let now = try await progress()
        if now != last {
            last = now
            lastChange = clock.now
        } else if clock.now - lastChange >= stall {
            return try await done() ? .done : .stalled(progress: "\(now)", stall: stall)
        }
        try? await Task.sleep(for: poll)
    }
}

/// Polls `condition` every `poll` until it holds; false when it still does not after `timeout`. The
/// timeout only keeps a broken system from hanging the suite: callers assert the result.
public func waitUntil(
    timeout: Duration = .seconds(60), poll: Duration = .milliseconds(20), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: poll)
    }
    return try await condition()
}
