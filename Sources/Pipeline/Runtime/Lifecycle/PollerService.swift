import ServiceLifecycle

/// The marketplace poller as a `Service`: cancelled on graceful shutdown (an unfinished page is not
/// checkpointed and is read again). A poller stopped for refused credentials does not end the
/// process: the service waits for shutdown with readiness off, so the reason stays visible.
struct PollerService: Service, CustomStringConvertible {
    let poller: MarketplacePoller

    var description: String { "poller" }

    func run() async throws {
        await cancelWhenGracefulShutdown { await poller.run() }
        if await poller.stoppedBecause != nil { try? await gracefulShutdown() }
    }
}
