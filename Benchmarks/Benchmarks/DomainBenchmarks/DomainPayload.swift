import Foundation
import OrderModel

/// The recorded payloads the domain benchmarks use (the test fixtures) and the work under test.
struct DomainPayload: Sendable {
    /// The ~7 KB fixture (fulfilled, refunded, two fulfilments, transactions), pretty-printed.
    let shopify: [UInt8]
    let data: Data
    /// The ~5 KB fixture (paid, partially fulfilled), compact as webhooks are sent.
    let shopifySmall: [UInt8]
    let dataSmall: Data
    let amazon: [UInt8]
    /// A ~2.4 KB compact webhook body as the storefront simulator sends it, and a ~1 KB cancelled order.
    let shopifySimulated: [UInt8]
    let shopifyCancelled: [UInt8]
    let translator: ChannelTranslator
    let machine = OrderStateMachine()
    let current: OrderState
    let next: ChannelObservation

    struct MissingFixture: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the fixtures next to this source tree (`Tests/OrderModelTests/Fixtures`).
    static func load() throws -> DomainPayload {
        let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/OrderModelTests/Fixtures")
        func read(_ name: String) throws -> [UInt8] {
            let url = fixtures.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw MissingFixture(description: "fixture not found: \(url.path)")
            }
            return Array(data)
        }
        return try DomainPayload(
            shopify: read("shopify-order-fulfilled-refunded.json"),
            shopifySmall: read("shopify-order-paid-partial.json"),
            amazon: read("amazon-order.json"), shopifySimulated: read("shopify-order-simulated-webhook.json"),
            shopifyCancelled: read("shopify-order-cancelled.json"))
    }

    init(
        shopify: [UInt8], shopifySmall: [UInt8], amazon: [UInt8], shopifySimulated: [UInt8], shopifyCancelled: [UInt8]
    ) throws {
        self.shopifySimulated = shopifySimulated
        self.shopifyCancelled = shopifyCancelled
        self.shopify = shopify
        self.data = Data(shopify)
        self.shopifySmall = shopifySmall
        self.dataSmall = Data(shopifySmall)
        self.amazon = amazon
        translator = ChannelTranslator(matrix: try MappingMatrix.default)
        let first = try translator.translate(channel: .shopify, payload: shopify, eventID: "wh-1")
        guard let state = OrderStateMachine().decide(current: nil, observation: first).newState else {
            throw MissingFixture(description: "state machine did not apply the first observation")
        }
        current = state
        var later = first
        later.eventID = "wh-2"
        later.sourceTimestamp = first.sourceTimestamp.addingTimeInterval(60)
        later.dimensions.payment = .refunded
        next = later
    }

    /// The measured unit: bytes → `ChannelObservation` through the default matrix.
    func translateShopify() throws -> ChannelObservation {
        try translator.translate(channel: .shopify, payload: shopify, eventID: "wh-bench", kind: "orders/updated")
    }

    func translateShopifySmall() throws -> ChannelObservation {
        try translator.translate(channel: .shopify, payload: shopifySmall, eventID: "wh-bench", kind: "orders/updated")
    }

    func translateAmazon() throws -> ChannelObservation {
        try translator.translate(channel: .amazon, payload: amazon, eventID: nil)
    }

    /// Labels of `decodeBodies`, in order (metric names are built from them).
    static let decodeLabels = ["sim2kb", "cancel1kb", "compact5kb", "pretty7kb"]

    /// The Shopify bodies the decode ratio is measured on.
    var decodeBodies: [(label: String, bytes: [UInt8])] {
        Array(zip(Self.decodeLabels, [shopifySimulated, shopifyCancelled, shopifySmall, shopify]))
            .map { (label: $0.0, bytes: $0.1) }
    }

    func decide() -> Transition { machine.decide(current: current, observation: next) }
}
