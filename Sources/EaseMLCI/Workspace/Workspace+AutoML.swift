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
}
