/// The two ways a person can improve a training set (Ease.ML steps 2.2.3 and 2.2.4), the arms of
/// the improvement bandit.
public enum ImprovementArm: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fill the missing cells of training rows, in CPClean's order.
    case clean
    /// Label unlabelled pool rows, in the acquisition ranking's order.
    case acquire
}
