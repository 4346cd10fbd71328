/// The version of easeml-ci.
public enum EaseMLCIVersion {
    public static let current = "0.1.0"
}
