/// The stage actors of Driftless: ingest → validate → translate (→ ERP dispatch, dead letter).
public enum PipelineInfo {}
