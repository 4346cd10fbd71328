"""Baseline for automl-backends.sh: Ray's own Python SDK (JobSubmissionClient) dispatching the same
trials as `easeml-ci automl run` with `backend: ray`: `./trial.sh X` for X = 1..N, WORKERS jobs in
flight, each polled every 0.5 s, its logs read and its `EASEML_RESULT {json}` line parsed.

Usage: python baseline_ray_jobs.py ADDRESS FOLDER N WORKERS
"""
import json
import sys
import time
import uuid

from ray.job_submission import JobSubmissionClient


def main() -> None:
    address, folder, count, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    client = JobSubmissionClient(address)
    run = uuid.uuid4().hex[:10]
    pending = list(range(1, count + 1))
    running = {}
    scores = {}
    while pending or running:
        while pending and len(running) < workers:
            x = pending.pop(0)
            job = f"baseline-{run}-{x}"
            client.submit_job(
                entrypoint=f"exec {folder}/trial.sh {x}", submission_id=job,
                runtime_env={"env_vars": {"EASEML_TRIAL": job}}, entrypoint_num_cpus=1)
            running[job] = x
        for job, x in list(running.items()):
            if client.get_job_status(job).is_terminal():
                lines = [line for line in client.get_job_logs(job).splitlines() if line.startswith("EASEML_RESULT ")]
                scores[x] = json.loads(lines[-1][len("EASEML_RESULT "):])["score"] if lines else None
                del running[job]
        if running:
            time.sleep(0.5)
    best = max((score, x) for x, score in scores.items() if score is not None)
    print(f"{len(scores)} trials, best x={best[1]} score {best[0]}")


if __name__ == "__main__":
    main()
