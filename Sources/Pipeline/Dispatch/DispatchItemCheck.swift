import Kafka
import OrderModel

/// Dispatch's SKU check when the mapping looks SKUs up in the ERP (``ContentMapping/looksUpItems``):
/// the SKUs of a batch's events are looked up together (``OrderDispatcher/lookUpItems(_:refreshing:isStopping:)``,
/// one SuiteQL query per batch for what the cache does not hold), and an event whose content names
/// a SKU found neither in `content.items` nor in the ERP is quarantined with `unmapped-sku` instead
/// of dispatched — replayable once the item exists or is mapped (a replayed case looks its SKUs up
/// again, whatever the cache says).
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

    /// Quarantines the events of `free` orders naming an `unknown` SKU; returns the orders left
    /// with events to dispatch (`orders` keeps only those events).
    static func quarantine(
        unknown: Set<String>, free: [OrderKey], orders: inout [OrderKey: [DispatchLogic.Indexed]],
        batch: [KafkaMessage], plan: inout DispatchLogic.Plan, context: StageContext
    ) -> [OrderKey] {
        var left: [OrderKey] = []
        for key in free {
            var keep: [DispatchLogic.Indexed] = []
            for (index, event) in orders[key] ?? [] {
                let missing = (event.facts.content?.skus ?? []).filter(unknown.contains)
                guard !missing.isEmpty else {
                    keep.append((index, event))
                    continue
                }
                let rejection = StageRejection.unmappedSKU(
                    "sku=\(missing.joined(separator: ",").prefix(200)) (not in content.items and no ERP item has "
                        + "that itemid or externalid: create or map it, then replay)")
                plan.quarantined.append(
                    ValidateProcessor.quarantine(
                        batch[index], rejection: rejection, stage: .dispatch, topics: context.topics,
                        replica: context.replica))
                plan.quarantineSources.append(index)
            }
            orders[key] = keep
            if !keep.isEmpty { left.append(key) }
        }
        return left
    }
}
