/// The application's data, declared once (key `application:`): the four data sets of the Ease.ML
/// process and the accuracy the application must reach. `easeml-ci next` and `easeml-ci lineage`
/// track each file by content hash, so they know when the data changed.
///
/// ```yaml
/// application:
///   training: data/train.csv      # labelled training data
///   validation: data/valid.csv    # labelled validation data
///   pool: data/pool.csv           # unlabelled candidates to label or acquire (optional)
///   production: data/prod.csv     # production data (optional)
///   deployed: data/deployed.csv   # the deployed model's predictions on it, `id,label` (optional)
///   target: 0.85                  # the accuracy the application needs (optional)
/// ```
public struct ApplicationSettings: Sendable, Equatable, Codable {
    /// The four data sets, by role, and the deployed model's predictions on production (what
    /// `debug` explains and what `pick` weighs the gate's accepted models against).
    public enum Role: String, Sendable, CaseIterable, Codable {
        case training, validation, pool, production, deployed
    }

    /// Paths relative to the repository root, by role (training and validation are required).
    public var paths: [Role: String]
    /// The target accuracy in (0, 1], if declared.
    public var target: Double?

    public init(paths: [Role: String], target: Double? = nil) {
        self.paths = paths
        self.target = target
    }

    /// The declared files in process order (training, validation, pool, production, deployed).
    public var declared: [(role: Role, path: String)] {
        Role.allCases.compactMap { role in paths[role].map { (role, $0) } }
    }
}
