import Foundation
import Synchronization

/// The process's resident memory (Linux `VmRSS`), sampled every 50 ms while a pass runs.
final class ResidentMemory: Sendable {
    private let peak = Mutex<Int>(0)

    /// VmRSS in KiB; 0 where /proc is missing.
    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Runs `body` while sampling; returns its result and the peak growth over the figure before, KiB.
    static func measure<T: Sendable>(_ body: () async throws -> T) async rethrows -> (T, Int) {
        let memory = ResidentMemory()
        let before = current()
        let sampler = Task {
            while !Task.isCancelled {
                let now = current()
                memory.peak.withLock { $0 = max($0, now) }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let result = try await body()
        sampler.cancel()
        _ = await sampler.value
        let last = current()
        let peak = memory.peak.withLock { max($0, last) }
        return (result, max(0, peak - before))
    }
}
