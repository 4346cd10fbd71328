import EaseMLLedger

extension Workspace {
    /// The files a prediction script must not see: the ledger with its journal files, and the key
    /// file (named, or where the README puts it).
    public func secretPaths() -> [String] {
        let ledger = (try? ledgerPath()).flatMap { Ledger.isServerURL($0) ? nil : [$0, $0 + "-wal", $0 + "-shm", $0 + "-journal"] } ?? []
        let named = (options.keyFile ?? environment["EASEML_KEY_FILE"]).map { [absolute($0)] } ?? []
        return ledger + named + KeyExposure.conventionalKeyFiles(home: environment["HOME"])
    }

    /// `sandbox` with the workspace's secret paths hidden.
    public func hiding(in sandbox: ScriptSandbox) -> ScriptSandbox {
        var sandbox = sandbox
        sandbox.hiddenPaths += secretPaths()
        return sandbox
    }

    /// The ledger to read, changing nothing in it: the travelling one fetched first when a remote
    /// is configured, else the local file, which must exist.
    public func readingLedger() throws(EaseMLCIError) -> Ledger {
        try travellingLedger()?.pull()
        return try openLedger(create: false)
    }
}
