import ServiceLifecycle

/// The marketplace poller as a `Service`: cancelled on graceful shutdown (an unfinished page is not
/// checkpointed and is read again).
struct PollerService: Service, CustomStringConvertible {
    let poller: MarketplacePoller

    var description: String { "poller" }

    func run() async throws {
        await cancelWhenGracefulShutdown { await poller.run() }
    }
}
