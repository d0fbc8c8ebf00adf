import Foundation
import NIOCore

/// The open client connections of a proxy, so `stop()` can close them.
final class ChildChannelRegistry: @unchecked Sendable {
    // Guarded by `lock`; touched from every event loop that accepts connections.
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        lock.withLock { channels[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.remove(id)
        }
    }

    private func remove(_ id: ObjectIdentifier) {
        _ = lock.withLock { channels.removeValue(forKey: id) }
    }

    var count: Int {
        lock.withLock { channels.count }
    }

    /// Closes every registered channel and waits for all of them.
    func closeAll() async {
        let open = lock.withLock { Array(channels.values) }
        for channel in open {
            try? await channel.close()
        }
    }
}
