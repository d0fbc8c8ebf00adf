import Foundation
import OrderModel
import Synchronization

/// How one write the simulator executed ended: the record written, or NetSuite's error.
enum ERPWriteResult: Sendable, Equatable {
    case written(ERPRecordType, id: String)
    case failed(status: Int, code: String, detail: String)
}

/// NetSuite's asynchronous request processing (Oracle's NetSuite help, "REST Web Services Request
/// Processing"): a write sent with `Prefer: respond-async` becomes a **job** with one **task**;
/// the job is `pending` until the task ran, then `succeeded` or `failed`, and the task's result is
/// the written record's link or the error. A request carrying `X-NetSuite-Idempotency-Key` whose
/// key an earlier request already used makes no job: the earlier job is named instead ("Sending an
/// Asynchronous Request Using an Idempotency Key").
actor ERPAsyncJobs {
    enum Progress: String, Sendable {
        case pending, succeeded, failed
    }

    struct Job: Sendable {
        var id: String
        var taskID: String
        var idempotencyKey: String?
        var progress: Progress = .pending
        var startTime: Date?
        var endTime: Date?
        var result: ERPWriteResult?

        var completed: Bool { progress != .pending }
    }

    /// What submitting a request gave.
    enum Submission: Sendable, Equatable {
        /// A new job.
        case accepted(jobID: String)
        /// The key was used before: the first job, nothing new runs.
        case duplicate(jobID: String)
    }

    private var jobs: [String: Job] = [:]
    private var byKey: [String: String] = [:]
    private var nextJob = 1
    // Task ids have their own sequence: a client must read them from the task collection.
    private var nextTask = 9001
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Makes a pending job for a request with `idempotencyKey` (nil: none), unless the key was used.
    func submit(idempotencyKey: String?) -> Submission {
        if let idempotencyKey, let first = byKey[idempotencyKey] { return .duplicate(jobID: first) }
        let id = String(nextJob)
        nextJob += 1
        jobs[id] = Job(id: id, taskID: String(nextTask), idempotencyKey: idempotencyKey)
        nextTask += 1
        if let idempotencyKey { byKey[idempotencyKey] = id }
        return .accepted(jobID: id)
    }

    /// The job's task started.
    func start(_ id: String) {
        jobs[id]?.startTime = now()
    }

    /// The job's task ended with `result`.
    func finish(_ id: String, _ result: ERPWriteResult) {
        guard var job = jobs[id] else { return }
        job.result = result
        job.endTime = now()
        if job.startTime == nil { job.startTime = job.endTime }
        if case .written = result { job.progress = .succeeded } else { job.progress = .failed }
        jobs[id] = job
    }

    /// The job `id`.
    func job(_ id: String) -> Job? { jobs[id] }

    /// Jobs made so far.
    var count: Int { jobs.count }
}

/// Work the simulator does after answering (delayed jobs, late commits), so tests can wait for
/// it and `stop()` can cancel it.
final class ERPBackgroundWork: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var next = 0
        var stopped = false
    }
    private let state = Mutex(State())

    /// Runs `work` in its own task.
    func run(_ work: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard !state.stopped else { return }
            let number = state.next
            state.next += 1
            state.tasks[number] = Task { [weak self] in
                await work()
                self?.done(number)
            }
        }
    }

    private func done(_ number: Int) {
        _ = state.withLock { $0.tasks.removeValue(forKey: number) }
    }

    /// Pieces of work not done yet.
    var pending: Int { state.withLock { $0.tasks.count } }

    /// Cancels what is still waiting and runs nothing more.
    func stop() {
        let tasks = state.withLock { state in
            state.stopped = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }
}
