import Foundation
import Kafka
import OrderModel

extension RetryDrain {
    /// What the SKU check before a write again came to.
    enum ItemCheck: Sendable {
        /// Every SKU is mapped or an ERP item (or the lookup gave up): write.
        case write
        /// A SKU was found nowhere: the event was quarantined (`unmapped-sku`, acknowledged by the
        /// broker); the order moves on as after a dead letter.
        case quarantined
        /// The stage stopped before the quarantine record was acknowledged.
        case stopped
    }

    /// The SKU check dispatch makes before writing (``DispatchItemCheck``), made again before an
    /// event from a retry tier or parked behind one is written: SKUs missing from `content.items`
    /// are looked up in the ERP through the dispatcher's client and its cache (one SuiteQL query for
    /// what the cache does not hold); an event naming a SKU found nowhere is quarantined with
    /// `unmapped-sku` instead of written — its quarantine record sent and acknowledged here. A
    /// batch's due records were looked up together first (``lookUpItems(_:context:)``); a parked
    /// event of a replayed case asks again (`refreshing`), as at dispatch.
    func checkItems(
        _ event: CanonicalEvent, _ message: KafkaMessage, refreshing: Bool = false, into outcome: inout Outcome,
        context: StageContext
    ) async -> ItemCheck {
        guard event.facts.content != nil else { return .write }
        let missing = await DispatchItemCheck.unknown(
            of: event, message, refreshing: refreshing, dispatcher: dispatcher, context: context)
        guard !missing.isEmpty else { return .write }
        let output = DispatchItemCheck.quarantineRecord(message, missing: missing, context: context)
        guard await send(output, source: message, into: &outcome, context: context) != .stopped else {
            return .stopped
        }
        outcome.counts.quarantined += 1
        return .quarantined
    }
}

extension RetryDrain {
    /// Looks the SKUs of a batch's due `messages` up together, as dispatch does per batch (one
    /// SuiteQL query for what the cache does not hold; a replayed case's SKUs asked again), so that
    /// each record's own check (``checkItems(_:_:refreshing:into:context:)``) is answered from the cache.
    func lookUpItems(_ messages: [KafkaMessage], context: StageContext) async {
        var all: Set<String> = []
        var replayed: Set<String> = []
        for message in messages {
            guard
                let event = try? CanonicalEvent.decoder.decode(CanonicalEvent.self, from: Data(message.value ?? [])),
                let skus = event.facts.content?.skus
            else { continue }
            all.formUnion(skus)
            if HeaderMap(message.headers)[EnvelopeHeader.caseID] != nil { replayed.formUnion(skus) }
        }
        _ = await DispatchItemCheck.unknown((all, replayed), dispatcher: dispatcher, context: context)
    }
}
