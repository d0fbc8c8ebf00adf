import Benchmark
import Foundation
import OrderModel

/// Domain: decode + translate of realistic Shopify orders (the ~7 KB fixture with line items, shipping
/// lines, fulfilments, a refund and transactions; the ~5 KB compact paid/partial one), on one core, as a ratio to baselines
/// measured in the same run: `JSONSerialization` parsing the same bytes, and `JSONDecoder` decoding
/// only the order id (the cost of Foundation's parser alone). See Benchmarks/README.md.
/// Also `ShopifyOrder.decode` alone (single-pass fast path) vs the `JSONDecoder` path it replaced, on
/// four bodies (~2.4 KB simulator webhook, ~1 KB cancelled, ~5 KB compact, ~7 KB pretty-printed), and the
/// order content's decode (`ShopifyOrderContent`) and encode (`ContentJSON`) against `JSONDecoder` and
/// `JSONEncoder` on the same bodies.
let benchmarks: @Sendable () -> Void = {
    let payload: DomainPayload
    do {
        payload = try DomainPayload.load()
    } catch {
        Benchmark("Domain: fixture missing") { benchmark in benchmark.error("\(error)") }
        return
    }
    let perIteration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(5))

    Benchmark("Domain: Shopify order JSONSerialization parse (baseline)", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? JSONSerialization.jsonObject(with: payload.data)) }
    }
    Benchmark("Domain: Shopify order decode + translate", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? payload.translateShopify()) }
    }
    Benchmark("Domain: Shopify ~5 KB order decode + translate", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? payload.translateShopifySmall()) }
    }
    Benchmark("Domain: Amazon order decode + translate", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? payload.translateAmazon()) }
    }
    Benchmark("Domain: state machine decide", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(payload.decide()) }
    }

    Benchmark("Domain: Shopify ~2.4 KB webhook decode (fast path)", configuration: perIteration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? ShopifyOrder.decode(from: payload.shopifySimulated)) }
    }
    Benchmark("Domain: Shopify ~2.4 KB webhook decode (JSONDecoder baseline)", configuration: perIteration) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ShopifyDecodeReport.jsonDecoderPath(payload.shopifySimulated))
        }
    }

    Benchmark(
        "Domain: Shopify decode fast path vs JSONDecoder (ratio report)",
        configuration: .init(
            metrics: ShopifyDecodeReport.metricNames.map(domainMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(120), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try ShopifyDecodeReport.measure(payload.decodeBodies)
            for (name, value) in report.metricValues { benchmark.measurement(domainMetric(name), value) }
            report.printSummary()
        } catch {
            benchmark.error("Shopify decode ratio report failed: \(error)")
        }
    }

    Benchmark(
        "Domain: Shopify content decode and encode fast paths vs Foundation (ratio report)",
        configuration: .init(
            metrics: ShopifyContentReport.metricNames.map(domainMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(120), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try ShopifyContentReport.measure(payload.decodeBodies)
            for (name, value) in report.metricValues { benchmark.measurement(domainMetric(name), value) }
            report.printSummary()
        } catch {
            benchmark.error("Shopify content ratio report failed: \(error)")
        }
    }

    Benchmark(
        "Domain: decode + translate vs baselines (ratio report)",
        configuration: .init(
            metrics: DomainRatioReport.metricNames.map(domainMetric) + [.wallClock],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(120), maxIterations: 1)
    ) { benchmark in
        do {
            let report = try DomainRatioReport.measure(payload)
            for (name, value) in report.metricValues { benchmark.measurement(domainMetric(name), value) }
            report.printSummary()
        } catch {
            benchmark.error("domain ratio report failed: \(error)")
        }
    }
}

/// A custom metric; everything here prefers larger values.
func domainMetric(_ name: String) -> BenchmarkMetric {
    .custom(name, polarity: .prefersLarger, useScalingFactor: false)
}
