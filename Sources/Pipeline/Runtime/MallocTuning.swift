import CMalloc
import Synchronization

/// glibc allocator settings for a pipeline process, applied once when the runtime starts.
///
/// The stages allocate and free many short-lived buffers of a few KB (record values and headers)
/// and batch arrays of a few hundred KB. With glibc's defaults, batch arrays above the dynamic mmap
/// threshold are mapped and unmapped each time and freed memory at the top of the heap is returned
/// to the system and faulted in again; in the pipeline benchmark that was about a tenth of the
/// stages' CPU (page faults, `malloc_consolidate`, `unlink_chunk`). These settings keep such
/// memory in the heap: allocations under 4 MB come from the heap, and up to 128 MB of free memory
/// stays mapped (the process's memory stays bounded by its peak use).
///
/// Skipped when `DRIFTLESS_MALLOC_TUNING=off`, or when `GLIBC_TUNABLES`/`MALLOC_*` variables already
/// set glibc's allocator (the operator's choice wins). No-op where glibc is not the C library.
public enum MallocTuning {
    /// What ``applyOnce(environment:)`` did.
    public enum Outcome: Sendable, Equatable {
        case applied
        case disabled
        case leftToEnvironment
        case unsupported
    }

    /// `M_MMAP_THRESHOLD`: allocations from this size up are mapped on their own.
    public static let mmapThreshold: Int32 = 4 << 20
    /// `M_TRIM_THRESHOLD`: free memory at the top of the heap returned to the system beyond this.
    public static let trimThreshold: Int32 = 128 << 20
    /// `M_TOP_PAD`: extra memory requested whenever the heap grows.
    public static let topPad: Int32 = 16 << 20

    private static let outcome = Mutex<Outcome?>(nil)

    /// Applies the settings the first time it is called in the process; later calls return the first outcome.
    @discardableResult
    public static func applyOnce(environment: [String: String]) -> Outcome {
        outcome.withLock { done in
            if let done { return done }
            let result = decide(environment: environment)
            if result == .applied {
                _ = driftless_mallopt(DRIFTLESS_M_MMAP_THRESHOLD, mmapThreshold)
                _ = driftless_mallopt(DRIFTLESS_M_TRIM_THRESHOLD, trimThreshold)
                _ = driftless_mallopt(DRIFTLESS_M_TOP_PAD, topPad)
            }
            done = result
            return result
        }
    }

    /// What to do for `environment` (pure; the decision ``applyOnce(environment:)`` acts on).
    public static func decide(environment: [String: String]) -> Outcome {
        guard driftless_has_mallopt() != 0 else { return .unsupported }
        if let flag = environment["DRIFTLESS_MALLOC_TUNING"]?.lowercased(), ["off", "0", "false", "no"].contains(flag) {
            return .disabled
        }
        if environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true
            || environment.keys.contains(where: { $0.hasPrefix("MALLOC_") && $0.hasSuffix("_") }) {
            return .leftToEnvironment
        }
        return .applied
    }
}
