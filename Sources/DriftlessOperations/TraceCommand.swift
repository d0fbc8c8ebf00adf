import ArgumentParser
import Foundation
import Ledger
import Logging
import Pipeline

/// `driftless trace ORDER` prints one order's timeline across hops and systems;
/// `driftless trace --since 1h --status failed` searches the audit trail.
package struct TraceCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show an order's path through Driftless, or search the audit trail.",
        discussion: """
            Examples:
              driftless trace shopify:1001
              driftless trace shopify:1001 --json
              driftless trace '#1013'            (also a tracking number, payment id, Amazon order id)
              driftless trace SO-4411            (a NetSuite document number or internal id: read from
                                                 the ERP given by DRIFTLESS_ERP_URL/_TOKEN or --config)
              driftless trace --since 1h --status failed
              driftless trace --since 24h --hop quarantined --channel amazon --limit 50
            """
    )

    /// A command with its defaults (ArgumentParser fills in what is given).
    package init() {}

    @Argument(help: "Order key, e.g. shopify:1001. Omit to search.") var order: String?
    @Option(help: "Only records at or after this time: a duration ago (1h, 30m, 2d) or RFC 3339.") var since: String?
    @Option(help: "Only records before this time (same forms as --since).") var until: String?
    @Option(
        help:
            "any, failed or ok. Failed = quarantined, illegal, dead-lettered, retried with an error, dispatched with HTTP >= 400."
    )
    var status: String = "any"
    @Option(
        name: .customLong("hop"),
        help:
            "Only these hops (repeat or comma-separate): \(AuditHop.allCases.map(\.rawValue).joined(separator: ", ")).")
    var hops: [String] = []
    @Option(help: "Only this system (shopify, amazon, erp).") var channel: String?
    @Option(help: "Only this stage (ingest, validate, translate, …).") var stage: String?
    @Option(help: "Only orders whose key starts with this text.") var orderPrefix: String?
    @Option(help: "At most this many records (the most recent).") var limit: Int = 200
    @Flag(help: "Print JSON for tools instead of a table.") var json = false
    @Option(help: "YAML configuration file (as for `driftless run`): the ERP to look NetSuite ids up in.")
    var config: String?
    @OptionGroup var ledger: LedgerURLOption

    package func run() async throws {
        let request = TraceRequest(
            order: order, since: since, until: until, status: status, hops: hops, channel: channel, stage: stage,
            orderPrefix: orderPrefix, limit: limit, json: json)
        do {
            _ = try request.query()
        } catch let error as LedgerError {
            throw ValidationError(error.description)
        }
        let store = try await ledger.openReadOnly(logger: ledgerLogger())
        do {
            let output = try await request.run(store: store, erp: try erpLookup())
            await store.close()
            print(output)
        } catch {
            await store.close()
            throw error
        }
    }

    /// The ERP lookup when an ERP is configured (`--config` or the environment) and an order was named.
    private func erpLookup() throws -> ERPOrderLookup? {
        guard let order, !order.isEmpty else { return nil }
        let configuration: PipelineConfiguration
        do {
            configuration = try PipelineConfiguration.load(file: config)
        } catch let error as PipelineConfigurationError {
            throw ValidationError(error.description)
        }
        let assembly = try Assembly.forCommand(configuration, logger: Logger(label: "driftless.trace"))
        guard let access = try assembly.erpAccess() else { return nil }
        return ERPOrderLookup(client: access.client)
    }
}
