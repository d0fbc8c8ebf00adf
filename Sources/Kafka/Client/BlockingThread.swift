import Foundation

/// Runs a blocking librdkafka call on a dedicated thread so Swift's cooperative pool never blocks.
enum BlockingThread {
    /// Runs `body` on a new thread and resumes with its result.
    static func run<T: Sendable>(
        name: String,
        _ body: @escaping @Sendable () throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.start()
        }
        return try result.get()
    }
}
