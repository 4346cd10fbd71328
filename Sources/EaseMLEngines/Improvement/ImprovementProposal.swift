/// What the improvement loop asks the person for next: the arm, why, and the batch with each row's
/// reason (CPClean's expected entropy drop, or the acquisition ranking's predicted value).
public struct ImprovementProposal: Sendable, Equatable {
    public var choice: ImprovementBandit.Choice
    /// The clean arm's rows, best first (empty for `acquire`).
    public var cleanRows: [CPClean.RowGain]
    /// The acquire arm's pool rows, best first (empty for `clean`).
    public var acquireRows: [AcquisitionRanking.Entry]

    public var arm: ImprovementArm { choice.arm }
    /// The batch's row numbers: training rows to clean or pool rows to label.
    public var rows: [Int] { arm == .clean ? cleanRows.map(\.row) : acquireRows.map(\.index) }
}

extension ImprovementLoop {
    /// The next round: the bandit's arm among the available ones (or `only` that arm, for single-arm
    /// baselines) and its batch of at most `batch` rows. Nil when no (allowed) arm is available.
    public func propose(
        history: [ImprovementBandit.Pull], batch: Int, exploration: Double, only: ImprovementArm? = nil
    ) -> ImprovementProposal? {
        let engine = cleaningEngine()
        var available = availableArms(engine: engine)
        if let only { available = available.intersection([only]) }
        guard let choice = ImprovementBandit.choose(history: history, available: available, exploration: exploration) else { return nil }
        switch choice.arm {
        case .clean: return ImprovementProposal(choice: choice, cleanRows: cleanBatch(size: batch, engine: engine), acquireRows: [])
        case .acquire: return ImprovementProposal(choice: choice, cleanRows: [], acquireRows: acquireBatch(size: batch))
        }
    }
}
