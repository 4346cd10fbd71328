import Foundation

/// A folder for `automl run` on the Ray backend (a fake or a real cluster): small `train.csv` and
/// `valid.csv`, and an `.easeml.yml` of four arms `./trial.sh {x}` (x = 1…4, round robin), one CPU
/// each. The caller writes `trial.sh` when the cluster runs it, and removes the folder.
public enum RayWorkspace {
    public static func make(address: String, workers: Int, timeout: Double = 30) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        try Data("x,label\n1,a\n".utf8).write(to: folder.appendingPathComponent("train.csv"))
        try Data("x,label\n2,b\n".utf8).write(to: folder.appendingPathComponent("valid.csv"))
        try writeConfig(folder, address: address, workers: workers, timeout: timeout)
        return folder
    }

    public static func writeConfig(_ folder: URL, address: String, workers: Int, timeout: Double = 30) throws {
        let config = """
            condition: n > 0.8 +/- 0.05
            reliability: 0.99
            automl:
              train: train.csv
              valid: valid.csv
              timeout: \(timeout)
              workers: \(workers)
              policy: round_robin
              backend: ray
              ray_address: \(address)
              ray_num_cpus: 1
              candidates:
                - name: fake
                  command: ./trial.sh {x}
                  grid: {x: [1, 2, 3, 4]}

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent(".easeml.yml"))
    }
}
