/// How many of each shared part one ``Assembly`` built: each stays at 1 however many stages and
/// verbs of the process use it (the producer: one per broker address).
public struct AssemblyCounts: Sendable, Equatable {
    /// Mapping matrices loaded.
    public var matrixLoads = 0
    /// Kafka producers built.
    public var producers = 0
    /// ERP clients (``ERPAccess``) built.
    public var erpClients = 0
    /// SP-API accesses (``MarketplaceAccess``) built.
    public var marketplaceAccesses = 0
    /// Sets of channel order readers (reconciliation's) built.
    public var channelReaderSets = 0

    /// No parts built yet.
    public init() {}
}
