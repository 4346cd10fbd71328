import EaseMLCore
import Foundation

extension Workspace {
    /// The absolute path of a data set the configuration's `application:` section declares (paths
    /// there are relative to the configuration's folder); nil when none is declared.
    public func applicationPath(_ role: ApplicationSettings.Role) -> String? {
        guard let configuration, let path = configuration.config.application?.paths[role] else { return nil }
        return LineageRecorder.resolve(path, root: configuration.folder)
    }
}
