import EaseMLCore

extension Workspace {
    /// The `automl:` section of the configuration and the folder its relative paths start from.
    public func automlSettings() throws(EaseMLCIError) -> (settings: AutoMLSettings, base: String) {
        let configuration = try requireConfiguration()
        guard let settings = configuration.config.automl else {
            throw .invalidOption(option: "automl", message: "\(configuration.displayPath) has no `automl:` section")
        }
        return (settings, configuration.folder.path)
    }

    /// Where `automl run` puts trial folders and `automl gc` cleans: `explicit` (relative to the
    /// working folder), else `.easeml/automl` next to the configuration (the working folder without one).
    public func automlOutputRoot(_ explicit: String?) -> String {
        explicit.map(absolute) ?? (configuration?.folder.path ?? directory.path) + "/" + Self.automlOutputFolder
    }

    /// `.easeml/automl`, below the configuration's folder.
    public static let automlOutputFolder = ".easeml/automl"
}
