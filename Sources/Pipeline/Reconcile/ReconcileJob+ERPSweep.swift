import Foundation
import Ledger
import OrderModel

extension ReconcileJob {
    /// The ERP-side sweep: pages through the ERP's sales orders modified in the window
    /// (`lastModifiedDate ON_OR_AFTER`, `limit`/`offset` until `hasMore` is false), skips the orders
    /// the channels' pages already brought (`seen`) or an earlier attempt handled, reads the channel's
    /// current truth of the rest by id (``ChannelOrderLookup``, batched) and compares and acts on them
    /// like the channels' orders. An order whose channel changed after the window's end is left for the
    /// next run; a sales order of ours its channel does not know is counted (`notInChannel`) and logged.
    /// Progress (the last `lastModifiedDate` compared) moves checkpoint `reconcile:<run>:erp`.
    func sweepERP(
        _ state: inout ReconcileRunState, _ report: inout ReconcileReport, handled: Set<String>,
        seen: inout SeenOrders, pages: inout Int, pending: PendingCorrections
    ) async throws {
        var lookups: [Channel: any ChannelOrderLookup] = [:]
        for case let lookup as any ChannelOrderLookup in channels where lookups[lookup.channel] == nil {
            lookups[lookup.channel] = lookup
        }
        guard !lookups.isEmpty else { return }
        let checkpoint = "reconcile:\(state.runID):\(ERPViewReader.system)"
        var since = state.windowStart
        if report.resumed, let saved = try await ledger.loadCheckpoint(checkpoint) { since = max(since, saved) }
        var offset = 0
        var reread = 0
        var ordered = true
        var latest = Date.distantPast
        while true {
            try Task.checkCancellation()
            let page = try await erp.modifiedSalesOrders(since: since, limit: settings.erpPageSize, offset: offset)
            pages += 1
            report.erpListed += max(0, page.items.count - reread)
            let inWindow = page.items.filter { ($0.modified ?? state.windowEnd) <= state.windowEnd }
            var wanted: [Channel: [String]] = [:]
            for item in inWindow {
                // Not ours, or already compared (the channels' pages, an earlier page).
                guard let key = item.key, seen.insert(key) else { continue }
                guard !handled.contains(key.description), lookups[key.channel] != nil else { continue }
                wanted[key.channel, default: []].append(key.orderID)
            }
            let snapshots = try await lookUp(wanted, lookups, &report)
            // Channel changes after the window's end may still be on their way through the pipeline.
            let compared = try await compare(snapshots.filter { $0.updatedAt <= state.windowEnd }, &report)
            report.erpOnlyCompared += compared.count
            try await act(on: compared, runID: state.runID, pending: pending, &report)
            let dates = inWindow.compactMap(\.modified)
            if let first = dates.min(), first < latest { ordered = false }
            latest = max(latest, dates.max() ?? latest)
            if !settings.dryRun, ordered, let last = dates.last, last == latest {
                state.progress = last
                try await saveRun(state)
                _ = try await ledger.advanceCheckpoint(checkpoint, to: last)
            }
            progress?(ReconcileProgress(pages: pages, compared: report.compared, found: report.found))
            guard page.hasMore, !page.items.isEmpty else { return }
            let advance = max(1, page.items.count - settings.erpPageOverlap)
            reread = page.items.count - advance
            offset += advance
        }
    }

    /// The channels' current truth of `wanted` (ids per channel), in batches of each lookup's size.
    func lookUp(
        _ wanted: [Channel: [String]], _ lookups: [Channel: any ChannelOrderLookup], _ report: inout ReconcileReport
    ) async throws -> [ChannelOrderSnapshot] {
        var snapshots: [ChannelOrderSnapshot] = []
        for channel in wanted.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let lookup = lookups[channel], let ids = wanted[channel] else { continue }
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(ids.count, start + lookup.lookupBatch)])
                start += batch.count
                let found = try await lookup.orders(ids: batch)
                let known = Set(found.map(\.key.orderID))
                for id in batch where !known.contains(id) {
                    report.notInChannel += 1
                    logger.warning(
                        "the ERP has a sales order for an order its channel does not know",
                        metadata: ["order": "\(OrderKey(channel: channel, orderID: id))"])
                }
                snapshots += found.filter { batch.contains($0.key.orderID) }
            }
        }
        return snapshots
    }
}
