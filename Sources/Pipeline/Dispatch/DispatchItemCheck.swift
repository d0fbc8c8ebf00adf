import Kafka
import OrderModel

/// Dispatch's SKU check when the mapping looks SKUs up in the ERP (``ContentMapping/looksUpItems``):
/// the SKUs of a batch's events are looked up together (``OrderDispatcher/lookUpItems(_:refreshing:isStopping:)``,
/// one SuiteQL query per batch for what the cache does not hold), and an event whose content names
/// a SKU found neither in `content.items` nor in the ERP is quarantined with `unmapped-sku` instead
/// of dispatched — replayable once the item exists or is mapped (a replayed case looks its SKUs up
/// again, whatever the cache says). The retry stage runs the same check before it writes an event
/// again, on the same client's cache.
enum DispatchItemCheck {
    /// The SKUs of `events`, and those of replayed cases (`dl-case-id`).
    static func skus(_ events: [DispatchLogic.Indexed], batch: [KafkaMessage]) -> (
        all: Set<String>, replayed: Set<String>
    ) {
        var all: Set<String> = []
        var replayed: Set<String> = []
        for (index, event) in events {
            let skus = event.facts.content?.skus ?? []
            all.formUnion(skus)
            if HeaderMap(batch[index].headers)[EnvelopeHeader.caseID] != nil { replayed.formUnion(skus) }
        }
        return (all, replayed)
    }

    /// Looks `wanted` up (``OrderDispatcher/lookUpItems(_:refreshing:isStopping:)``): the SKUs found
    /// nowhere. A lookup that gave up is logged and finds nothing unknown (unmapped SKUs are then
    /// written by external id, as without the lookup).
    static func unknown(
        _ wanted: (all: Set<String>, replayed: Set<String>), dispatcher: OrderDispatcher, context: StageContext
    ) async -> Set<String> {
        guard !wanted.all.isEmpty else { return [] }
        switch await dispatcher.lookUpItems(wanted.all, refreshing: wanted.replayed, isStopping: context.isStopping) {
        case .unknown(let unknown): return Set(unknown)
        case .failed(let outcome):
            context.logger.warning(
                "\(context.stage.rawValue): looking SKUs up in the ERP failed; unmapped SKUs are written by external id",
                metadata: ["outcome": "\(outcome)"])
            return []
        }
    }

    /// The SKUs of `event` found nowhere, looked up on their own (the retry stage, per event; a
    /// replayed case's SKUs asked again when `refreshing`, else answered from the cache).
    static func unknown(
        of event: CanonicalEvent, _ message: KafkaMessage, refreshing: Bool, dispatcher: OrderDispatcher,
        context: StageContext
    ) async -> [String] {
        let skus = event.facts.content?.skus ?? []
        let replayed = refreshing && HeaderMap(message.headers)[EnvelopeHeader.caseID] != nil ? Set(skus) : []
        let unknown = await Self.unknown((Set(skus), replayed), dispatcher: dispatcher, context: context)
        return skus.filter(unknown.contains)
    }

    /// The `unmapped-sku` quarantine record for `message`, naming the `missing` SKUs.
    static func quarantineRecord(_ message: KafkaMessage, missing: [String], context: StageContext) -> StageOutput {
        let rejection = StageRejection.unmappedSKU(
            "sku=\(missing.joined(separator: ",").prefix(200)) (not in content.items and no ERP item has "
                + "that itemid or externalid: create or map it, then replay)")
        return Quarantine.output(
            message, rejection: rejection, stage: .dispatch, topics: context.topics, replica: context.replica)
    }

    /// Quarantines the events of `free` orders naming an `unknown` SKU; returns the orders left
    /// with events to dispatch (`orders` keeps only those events).
    static func quarantine(
        unknown: Set<String>, free: [OrderKey], orders: inout [OrderKey: [DispatchLogic.Indexed]],
        batch: [KafkaMessage], outcome: inout DispatchLogic.Outcome, context: StageContext
    ) -> [OrderKey] {
        guard !unknown.isEmpty else { return free }
        var left: [OrderKey] = []
        for key in free {
            var keep: [DispatchLogic.Indexed] = []
            for (index, event) in orders[key] ?? [] {
                let missing = (event.facts.content?.skus ?? []).filter(unknown.contains)
                guard !missing.isEmpty else {
                    keep.append((index, event))
                    continue
                }
                outcome.quarantined.append(quarantineRecord(batch[index], missing: missing, context: context))
                outcome.quarantineSources.append(index)
            }
            orders[key] = keep
            if !keep.isEmpty { left.append(key) }
        }
        return left
    }
}
