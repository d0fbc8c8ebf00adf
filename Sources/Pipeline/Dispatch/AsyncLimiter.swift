/// At most `limit` holders at once; others wait in arrival order. (Neither SwiftNIO nor the
/// packages here offer an async semaphore; this is the usual permits-plus-continuations queue.)
actor AsyncLimiter {
    private let limit: Int
    private var holders = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` holding one permit.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Takes a permit, waiting in arrival order; pair with ``release()``.
    func acquire() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Gives a permit back (to the longest waiter, if any).
    func release() {
        if waiters.isEmpty {
            holders -= 1
        } else {
            waiters.removeFirst().resume()  // the permit passes straight to the next waiter
        }
    }
}
