import Foundation
import Synchronization

/// Replays started from the console, run in the background so a long one (at a low `rate`) does not
/// hold a request open; the job page follows them. Kept in memory: a restart forgets the progress,
/// never the effect (every case's mark and audit row are in the ledger).
final class OpsJobs: Sendable {
    /// One replay's progress.
    struct Job: Sendable {
        var title: String
        var who: String
        var total: Int
        var lines: [String] = []
        var summary: String?
    }

    private let state = Mutex<(next: Int, jobs: [Int: Job])>((1, [:]))

    /// Registers a job; its id.
    func start(title: String, who: String, total: Int) -> Int {
        state.withLock { state in
            let id = state.next
            state.next += 1
            state.jobs[id] = Job(title: title, who: who, total: total)
            // Keep the latest 50 jobs.
            if state.jobs.count > 50, let oldest = state.jobs.keys.min() { state.jobs[oldest] = nil }
            return id
        }
    }

    /// Adds a progress line to job `id`.
    func progress(_ id: Int, _ line: String) {
        state.withLock { $0.jobs[id]?.lines.append(line) }
    }

    /// Marks job `id` finished with `summary`.
    func finish(_ id: Int, summary: String) {
        state.withLock { $0.jobs[id]?.summary = summary }
    }

    /// Job `id`, if known.
    func job(_ id: Int) -> Job? {
        state.withLock { $0.jobs[id] }
    }
}
