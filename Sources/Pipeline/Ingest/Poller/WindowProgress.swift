import Foundation

/// How far a poll window is safely done, page by page.
///
/// SP-API returns a window's orders in `LastUpdateDate` order. While every order seen so far came
/// in that order, everything before the latest date seen is read; the checkpoint may move to that
/// date minus one second (`LastUpdateDate` has whole seconds, and whether `LastUpdatedAfter` is
/// inclusive does not matter then: orders at the boundary are read again and deduped downstream
/// by event id). An order out of order or without a readable date stops the page-wise advance for
/// the rest of the window (the window's end is still saved once the last page is done).
struct WindowProgress {
    /// The window's start: the checkpoint never moves below it.
    let start: Date
    private(set) var latest: Date?
    private(set) var isOrdered = true

    init(start: Date) {
        self.start = start
    }

    /// Takes one acknowledged page's `LastUpdateDate`s (nil where unreadable), in page order.
    mutating func record(_ dates: [Date?]) {
        for date in dates {
            guard isOrdered else { return }
            guard let date else {
                isOrdered = false
                return
            }
            if let latest, date < latest {
                isOrdered = false
                return
            }
            latest = date
        }
    }

    /// Where the checkpoint may move now; nil when it cannot move past the window's start.
    var safeCheckpoint: Date? {
        guard isOrdered, let latest else { return nil }
        let mark = latest.addingTimeInterval(-1)
        return mark > start ? mark : nil
    }
}
