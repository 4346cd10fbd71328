"""Fixtures: a real git repository with the owner's key, a sealed test set and a baseline (the
owner's set-up, as in Tests/EaseMLEndToEndTests/GateAdversaryTests.swift), and the schema check of
every JSON document the binary prints during a test."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import easeml_ci
from easeml_ci import _cli, contract

CONFIG = """\
condition: n - o > 0 +/- 0.05
reliability: 0.9
adaptivity: full
steps: 3
models: [model/]
"""


def labels_of(size: int = 3000) -> list[int]:
    return [(i * 7 + i // 3) % 4 for i in range(size)]


def predictions(labels: list[int], accuracy: float) -> list[int]:
    """Right on the first `accuracy` fraction of the examples, wrong on the rest."""
    right = int(len(labels) * accuracy)
    return [label if i < right else (label + 1) % 4 for i, label in enumerate(labels)]


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


@dataclass
class Gate:
    """A repository gated by the owner: key, sealed test set, baseline (70 %) on `main`."""

    root: Path
    key: Path
    labels: list[int]
    ids: list[str]
    test_set: str


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Owner")
    git(root, "config", "user.email", "owner@example.com")
    (root / ".easeml.yml").write_text(CONFIG)
    git(root, "add", ".easeml.yml")
    git(root, "commit", "-q", "-m", "the gate")
    key = tmp_path / "owner.key"  # outside the repository, as an owner keeps it
    labels = labels_of()
    ids = [f"x{i}" for i in range(len(labels))]
    easeml_ci.key_generate(key, cwd=root)
    registration = easeml_ci.testset_add(labels, ids=ids, force=True, key_file=key, cwd=root)
    easeml_ci.baseline_set(predictions(labels, 0.7), branch="main", key_file=key, cwd=root)
    return Gate(root=root, key=key, labels=labels, ids=ids, test_set=registration.id)


@pytest.fixture(autouse=True)
def every_output_follows_its_schema():
    """Records every document the binary prints during the test and validates each against the
    schema of its command (`schemas/index.json`, shipped in the wheel)."""
    outputs: list[tuple[str, object]] = []

    def observe(arguments: list[str], exit_code: int, document: object) -> None:
        outputs.append((contract.command_of(arguments), document))

    _cli.observers.append(observe)
    yield outputs
    _cli.observers.remove(observe)
    problems = [p for command, document in outputs for p in contract.problems(command, document)]
    assert problems == [], "\n".join(problems)


@pytest.fixture
def in_folder(tmp_path: Path):
    """Runs the test with `tmp_path` as the current directory."""
    before = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(before)
