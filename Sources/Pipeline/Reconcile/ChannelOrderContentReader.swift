import Foundation
import OrderModel

/// A channel whose order listing leaves the lines out (SP-API `getOrders`: the items are a call of
/// their own, `getOrderItems`): reconciliation reads them only for the orders whose content it
/// compares (``ReconcileJob/checkContent(_:)``, ``ReconcileCaseCheck``).
public protocol ChannelOrderContentReader: Sendable {
    /// The channel whose orders it completes.
    var channel: Channel { get }
    /// `snapshot` with its lines attached (its payload as the poller sends it on); unchanged when
    /// this reader reads no lines.
    func withContent(_ snapshot: ChannelOrderSnapshot) async throws -> ChannelOrderSnapshot
}

extension MarketplaceOrdersReader: ChannelOrderContentReader {
    /// The order's items read with getOrderItems and attached under ``AmazonOrderContent/itemsKey``
    /// (once per order version, paced to that operation's plan: ``OrderItemsReader``, the poller's when
    /// shared — then a version the poller has read costs nothing); each request counts as a marketplace
    /// call. Unchanged without `orderItems`.
    public func withContent(_ snapshot: ChannelOrderSnapshot) async throws -> ChannelOrderSnapshot {
        guard let items, snapshot.key.channel == .amazon else { return snapshot }
        let payload: [UInt8]
        let sent: Int
        do {
            (payload, sent) = try await items.attachingItemsCounted(to: snapshot.payload)
        } catch let error as PollerError {
            switch error {
            case .http(let status, _): throw ReconcileReadError.http(system: system, status: status)
            case .unauthorized(let status, _): throw ReconcileReadError.unauthorized(system: system, status: status)
            case .credentialsRejected: throw ReconcileReadError.unauthorized(system: system, status: 401)
            case .malformedPage(let detail): throw ReconcileReadError.malformed(system: system, detail: detail)
            }
        } catch let error as CancellationError {
            throw error
        } catch let error as ReconcileReadError {
            throw error
        } catch {
            throw ReconcileReadError.transport(system: system, detail: String(describing: error))
        }
        for _ in 0..<sent { stats.call(system) }
        return ChannelOrderSnapshot(key: snapshot.key, updatedAt: snapshot.updatedAt, payload: payload)
    }
}
