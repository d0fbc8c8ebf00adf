import Foundation
import OrderModel
import Simulators
import XCTest

/// Seeded mutations of the real fixtures (truncations, byte flips, type swaps): every outcome is an
/// observation or a typed `TranslationError`, never a crash.
final class PayloadRobustnessTests: XCTestCase {
    func testMutatedFixturesGiveTypedErrorsOrObservations() throws {
        let translator = try defaultTranslator()
        let inputs: [(Channel, [UInt8])] = [
            (.shopify, try fixture("shopify-order-fulfilled-refunded.json")),
            (.shopify, try fixture("shopify-order-paid-partial.json")),
            (.amazon, try fixture("amazon-order.json")),
            (.erp, try fixture("netsuite-sales-order.json")),
        ]
        var rng = SeededRandom(seed: 0x5EED)
        var outcomes: [String: Int] = [:]
        let replacements: [[UInt8]] = ["null", "1", "\"x\"", "[]", "{}", "true", "\"\\u0000\"", "-1e999"].map {
            Array($0.utf8)
        }
        for (channel, original) in inputs {
            for _ in 0..<500 {
                var bytes = original
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
                case 1:
                    for _ in 0..<Int.random(in: 1...8, using: &rng) {
                        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    }
                default:
                    // Replace the value after a random ':' with another JSON type.
                    let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
                    guard let colon = colons.randomElement(using: &rng) else { continue }
                    var end = colon + 1
                    while end < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}")].contains(bytes[end]) { end += 1 }
                    bytes.replaceSubrange((colon + 1)..<end, with: replacements.randomElement(using: &rng) ?? [])
                }
                do {
                    let obs = try translator.translate(channel: channel, payload: bytes, eventID: "fuzz")
                    XCTAssertEqual(obs.key.channel, channel)
                    outcomes["ok", default: 0] += 1
                } catch .payload(let error) {
                    outcomes[String(describing: error).components(separatedBy: ":").first ?? "", default: 0] += 1
                } catch .mapping {
                    outcomes["unmapped", default: 0] += 1
                }
            }
        }
        XCTAssertEqual(outcomes.values.reduce(0, +), 2000)
        // The mutations exercised success and several distinct typed errors.
        XCTAssertGreaterThan(outcomes["ok"] ?? 0, 0, "\(outcomes)")
        XCTAssertGreaterThanOrEqual(outcomes.count, 4, "\(outcomes)")
    }
}
