import Synchronization

/// Consumer handles deliberately never destroyed: closed before their first assignment, which
/// librdkafka 2.0.2's cooperative-sticky assignor cannot destroy without aborting
/// (confluentinc/librdkafka#4312). Each one has left its group; what it keeps is a few idle
/// threads and connections until the process exits. Rare: a consumer stopped during its first join.
enum UndestroyedHandles {
    private static let handles = Mutex<[RdKafkaHandle]>([])

    static func keep(_ handle: RdKafkaHandle) {
        handles.withLock { $0.append(handle) }
    }

    /// How many are kept (tests).
    static var count: Int { handles.withLock { $0.count } }
}
