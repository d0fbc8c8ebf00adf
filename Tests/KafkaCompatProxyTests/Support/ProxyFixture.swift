import KafkaCompatProxy

/// A fake broker with a proxy in front of it, both on 127.0.0.1 with ephemeral ports.
struct ProxyFixture {
    let broker: FakeBroker
    let proxy: KafkaCompatProxy
    let port: Int

    static func start(
        maximumFrameLength: Int = KafkaCompatProxy.defaultMaximumFrameLength,
        answersLeaveGroup: Bool = true,
        respond: @escaping FakeBroker.Respond
    ) async throws -> ProxyFixture {
        let broker = try await FakeBroker.start(respond: respond)
        let proxy = KafkaCompatProxy(
            listenHost: "127.0.0.1",
            listenPort: 0,
            upstreamHost: "127.0.0.1",
            upstreamPort: broker.port,
            maximumFrameLength: maximumFrameLength,
            answersLeaveGroup: answersLeaveGroup
        )
        let port = try await proxy.start()
        return ProxyFixture(broker: broker, proxy: proxy, port: port)
    }

    func connect() async throws -> TestClient {
        try await TestClient.connect(port: port)
    }

    func stop() async {
        await proxy.stop()
        await broker.stop()
    }
}

/// Replies that the fake broker uses in most tests.
enum CannedReplies {
    /// ApiVersions v3+ → Tansu-shaped v3 response; ApiVersions v0–v2 → v2 response;
    /// api key 0 with version 0 (a stand-in for acks=0 Produce) → nothing; anything else → a
    /// response echoing the request's bytes after its header.
    static let standard: FakeBroker.Respond = { header, request in
        switch (header.apiKey, header.apiVersion) {
        case (18, 3...):
            return KafkaFrames.tansuApiVersionsV3Response(correlationID: header.correlationID)
        case (18, _):
            return KafkaFrames.apiVersionsV2Response(correlationID: header.correlationID)
        case (0, 0):
            return []
        default:
            return KafkaFrames.response(correlationID: header.correlationID, payload: Array(request.dropFirst(12)))
        }
    }
}
