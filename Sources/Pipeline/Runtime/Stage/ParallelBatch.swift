import Foundation
import Kafka

/// Maps a batch over all cores when it is large enough to be worth it: one slice per core
/// (at least `minimumSlice` records each), results in input order. Decoding channel payloads is
/// the stages' main CPU cost.
enum ParallelBatch {
    static func map<T: Sendable>(
        _ batch: [KafkaMessage], minimumSlice: Int, _ transform: @escaping @Sendable (KafkaMessage) -> T
    ) async -> [T] {
        let slices = min(ProcessInfo.processInfo.activeProcessorCount, batch.count / max(1, minimumSlice))
        guard slices > 1 else { return batch.map(transform) }
        let size = (batch.count + slices - 1) / slices
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for start in stride(from: 0, to: batch.count, by: size) {
                let slice = batch[start..<min(start + size, batch.count)]
                group.addTask { (start, slice.map(transform)) }
            }
            var parts: [(Int, [T])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
