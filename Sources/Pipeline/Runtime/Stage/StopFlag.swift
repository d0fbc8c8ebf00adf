import Synchronization

/// Whether a stage was asked to stop (shared with the tasks it runs).
final class StopFlag: Sendable {
    private let stopped = Atomic<Bool>(false)

    func stop() { stopped.store(true, ordering: .relaxed) }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}
