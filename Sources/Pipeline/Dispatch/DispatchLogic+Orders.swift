import Kafka
import OrderModel

extension DispatchLogic {
    /// Dispatches each order's events, up to `maxConcurrentOrders` orders at once.
    func dispatchAll(
        _ sequence: [OrderKey], _ orders: [OrderKey: [(index: Int, event: CanonicalEvent)]], batch: [KafkaMessage],
        context: StageContext
    ) async -> [OrderKey: ([DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)] {
        let dispatcher = self.dispatcher
        let owns = self.owns
        let limit = dispatcher.policy.maxConcurrentOrders
        let fresh = ContinuousClock.now - dispatcher.policy.viewTTL
        let cached = views
        // The views not cached (or too old) are read for the whole batch at once.
        let stale = sequence.filter { key in cached[key].map { $0.read <= fresh } ?? true }
        let readAt = ContinuousClock.now
        let prefetched = await dispatcher.prefetch(stale, isStopping: context.isStopping) ?? [:]
        typealias Done = (OrderKey, [DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)
        return await withTaskGroup(of: Done.self) { group in
            var next = sequence.makeIterator()
            func add() -> Bool {
                guard let key = next.next() else { return false }
                let events = orders[key] ?? []
                let messages = events.map { batch[$0.index] }
                let entry =
                    cached[key].flatMap { $0.read > fresh ? $0 : nil }
                    ?? prefetched[key].map { (view: $0, read: readAt) }
                group.addTask {
                    let read = entry?.read ?? .now
                    let (results, after) = await dispatcher.dispatch(
                        events.map(\.event), known: entry?.view, owns: { owns(messages[$0]) },
                        isStopping: context.isStopping)
                    return (key, results, after, read)
                }
                return true
            }
            var started = 0
            while started < limit, add() { started += 1 }
            var results: [OrderKey: ([DispatchResult], OrderDispatcher.KnownView?, ContinuousClock.Instant)] = [:]
            for await (key, eventResults, known, read) in group {
                results[key] = (eventResults, known, read)
                _ = add()
            }
            return results
        }
    }
}
