import Foundation

#if canImport(Glibc)
    private let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
    private let rusageSelf = RUSAGE_SELF
#endif

/// User + system CPU time of this process.
public enum ProcessCPU {
    public static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(rusageSelf, &usage) == 0 else { return 0 }
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}

/// The length of `range` in seconds.
public func seconds(_ range: Range<ContinuousClock.Instant>) -> Double {
    let duration = range.lowerBound.duration(to: range.upperBound)
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
