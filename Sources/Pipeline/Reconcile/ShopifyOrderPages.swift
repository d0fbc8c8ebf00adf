import Foundation

/// The storefront's orders updated since a time, one page per element; each `next()` asks for the
/// following page only then, so a sweep holds one page at a time.
public struct ShopifyOrderPages: AsyncSequence, Sendable {
    public typealias Element = [ChannelOrderSnapshot]
    let reader: ShopifyOrdersReader
    let since: Date

    /// The iterator: the cursor of the next page.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: ShopifyOrdersReader
        let since: Date
        var cursor: String?
        var finished = false

        /// The next page; nil after the last.
        public mutating func next() async throws -> [ChannelOrderSnapshot]? {
            guard !finished else { return nil }
            let page = try await reader.page(since: since, after: cursor)
            cursor = page.next
            finished = page.next == nil
            return page.orders
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: reader, since: since)
    }
}
