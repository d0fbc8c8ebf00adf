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
            shopify: read("shopify-order-fulfilled-refunded.json"), shopifySmall: read("shopify-order-paid-partial.json"),
            amazon: read("amazon-order.json"))
    }

    init(shopify: [UInt8], shopifySmall: [UInt8], amazon: [UInt8]) throws {
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

    func decide() -> Transition { machine.decide(current: current, observation: next) }
}
