import ServiceLifecycle

/// A shared client as a `Service` of the process's group: it runs until the group shuts down, then
/// closes its client (``ResourceCloser``). The group shuts services down in reverse order, so
/// listing the ledger, the audit writer and the producer before the stages closes them after the
/// stages drained.
struct ClosingService: Service, CustomStringConvertible {
    let step: ResourceCloser.Step
    let closer: ResourceCloser

    var description: String { step.rawValue }

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: every service stops at once, so closing now could pull the producer from
            // under a stage still draining; `PipelineRuntime.wait()` closes after the group ended.
            return
        }
        await closer.close(step)
    }
}
