/// The label-selection strategies a simulation compares.
public enum ModelSelectionMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// ModelPicker over the whole stream with u_t scaled by γ(B); uses about B labels on average.
    case modelPicker
    /// Labels B items drawn uniformly among the items where the models disagree (all of them if
    /// fewer), answers the models with the fewest errors on those.
    case disagreementSampling
    /// Labels B items drawn uniformly from the stream, answers the models with the fewest errors.
    case uniformSampling
}
