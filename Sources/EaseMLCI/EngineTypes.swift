import EaseMLEngines
import EaseMLLedger

/// The library types the command line names (flags parse into them, option groups pass them
/// on), so that the executable depends on `EaseMLCI` alone.
public typealias DistanceMetric = EaseMLEngines.DistanceMetric
public typealias FeatureScaling = EaseMLEngines.FeatureScaling
public typealias Ledger = EaseMLLedger.Ledger
