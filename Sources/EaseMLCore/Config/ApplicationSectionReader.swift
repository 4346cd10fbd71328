import Yams

/// The keys of the `application:` mapping, spelled as in the file.
enum ApplicationKey: String, CaseIterable {
    case training, validation, pool, production, deployed, target
}

/// Reads the `application:` section (`ApplicationSettings`) with the loader's positions and typo hints.
extension ConfigReader {
    func application(_ entry: Entry) throws(ConfigError) -> ApplicationSettings {
        let pairs = try mappingPairs(entry.value, named: "application", keyNode: entry.keyNode)
        var seen: [String: Node] = [:]
        var settings = ApplicationSettings(paths: [:])
        for (keyNode, value) in pairs {
            let name = try keyName(keyNode)
            guard let key = ApplicationKey(rawValue: name) else {
                throw unknownKey(name, at: keyNode, among: ApplicationKey.allCases.map(\.rawValue), in: "application")
            }
            try checkDuplicate(name, keyNode, &seen)
            switch key {
            case .target:
                let text = try text((keyNode, value), "application.target")
                guard let accuracy = number(text), accuracy > 0, accuracy <= 1 else {
                    throw error(.invalidValue, at: value, "`application.target` must be an accuracy greater than 0 and at most 1, got `\(text)`",
                                hint: "the accuracy the application needs, e.g. `target: 0.85`")
                }
                settings.target = accuracy
            case .training, .validation, .pool, .production, .deployed:
                settings.paths[ApplicationSettings.Role(rawValue: name)!] = try text((keyNode, value), "application.\(name)")
            }
        }
        for role in [ApplicationSettings.Role.training, .validation] where settings.paths[role] == nil {
            throw error(.missingKey, at: entry.keyNode, "`application` is missing `\(role.rawValue)`",
                        hint: "add `\(role.rawValue): path/to/\(role.rawValue).csv` under `application:` (a labelled CSV or .npy file)")
        }
        return settings
    }
}
