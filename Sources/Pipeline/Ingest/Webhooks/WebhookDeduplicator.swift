import Foundation
import Synchronization

/// Remembers recently acknowledged webhook ids (bounded in count, limited in time) so a redelivery
/// of the same `X-Shopify-Webhook-Id` is answered 200 without producing again.
///
/// Only ids whose record the broker acknowledged are remembered; a delivery answered 503 is not.
/// Memory is per process: across replicas, translate's applied-event check catches what slips through.
public final class WebhookDeduplicator: Sendable {
    private struct State {
        var inFlight: Set<String> = []
        var expiry: [String: ContinuousClock.Instant] = [:]
        var order: [(id: String, expiry: ContinuousClock.Instant)] = []
        var head = 0
    }

    private let capacity: Int
    private let ttl: Duration
    private let state = Mutex(State())

    /// Keeps at most `capacity` ids, each for `ttl`.
    public init(capacity: Int = 100_000, ttl: Duration = .seconds(24 * 3600)) {
        self.capacity = max(1, capacity)
        self.ttl = ttl
    }

    /// Whether `id` was acknowledged recently.
    public func contains(_ id: String) -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let expiry = state.expiry[id] else { return false }
            return expiry > now
        }
    }

    /// What a delivery with a given id should do.
    public enum Claim: Sendable, Equatable {
        /// First of its id: produce it, then ``remember(_:)`` or ``release(_:)``.
        case proceed
        /// Already acknowledged: answer 200 without producing.
        case duplicate
        /// Another delivery of the same id is being produced right now: ask the channel to retry.
        case inFlight
    }

    /// Claims `id` for producing unless it was acknowledged or is in flight.
    public func claim(_ id: String) -> Claim {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let expiry = state.expiry[id], expiry > now { return .duplicate }
            if state.inFlight.contains(id) { return .inFlight }
            state.inFlight.insert(id)
            return .proceed
        }
    }

    /// Gives up a claim (the record was not acknowledged).
    public func release(_ id: String) {
        _ = state.withLock { $0.inFlight.remove(id) }
    }

    /// Remembers `id` as acknowledged (ending its claim).
    public func remember(_ id: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.inFlight.remove(id)
            let expiry = now + ttl
            state.expiry[id] = expiry
            state.order.append((id, expiry))
            // Evict expired entries and anything beyond capacity, oldest first.
            while state.head < state.order.count {
                let oldest = state.order[state.head]
                guard oldest.expiry <= now || state.expiry.count > capacity else { break }
                if state.expiry[oldest.id] == oldest.expiry { state.expiry[oldest.id] = nil }
                state.head += 1
            }
            if state.head > 1024 && state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// Number of ids remembered.
    public var count: Int { state.withLock { $0.expiry.count } }
}
