import Foundation

/// The sweep's and the baseline's figures.
struct ReconcileReport: Sendable {
    /// One pass over the window (the baseline or the job).
    struct Pass: Sendable {
        var orders = 0
        var seconds = 0.0
        var requests = 0
        /// Peak resident memory above the figure before the pass, KiB.
        var peakGrowthKiB = 0
        var perSecond: Double { seconds > 0 ? Double(orders) / seconds : 0 }
    }

    var orders: Int
    var inERP: Int
    var seedSeconds = 0.0
    var residentBeforeKiB = 0
    var baseline = Pass()
    var sweep = Pass()
    var found = 0
    var erpListed = 0
    var ratio: Double { baseline.perSecond > 0 ? sweep.perSecond / baseline.perSecond : 0 }

    static let metricNames = [
        "reconcile_ratio", "reconcile_orders_per_s", "baseline_orders_per_s", "reconcile_sweep_s",
        "reconcile_peak_growth_kib", "baseline_peak_growth_kib",
    ]

    var metricValues: [(String, Int)] {
        [
            ("reconcile_ratio", Int((ratio * 1000).rounded())),
            ("reconcile_orders_per_s", Int(sweep.perSecond.rounded())),
            ("baseline_orders_per_s", Int(baseline.perSecond.rounded())),
            ("reconcile_sweep_s", Int(sweep.seconds.rounded())),
            ("reconcile_peak_growth_kib", sweep.peakGrowthKiB),
            ("baseline_peak_growth_kib", baseline.peakGrowthKiB),
        ]
    }

    func printSummary() {
        let text = String(
            format: """
                reconcile benchmark: %d orders in the 48 h window (%d in the ERP), seeded in %.1f s, RSS before %d KiB
                  baseline (plain page-through, same reads): %d orders in %.1f s = %.0f orders/s, %d requests, peak RSS growth %d KiB
                  reconcile sweep (channel + ERP-side, findings recorded): %d orders in %.1f s = %.0f orders/s, %d requests, peak RSS growth %d KiB
                  found %d, ERP-side sweep listed %d; ratio sweep/baseline %.3f

                """, orders, inERP, seedSeconds, residentBeforeKiB, baseline.orders, baseline.seconds,
            baseline.perSecond, baseline.requests, baseline.peakGrowthKiB, sweep.orders, sweep.seconds,
            sweep.perSecond, sweep.requests, sweep.peakGrowthKiB, found, erpListed, ratio)
        FileHandle.standardError.write(Data(text.utf8))
    }
}
