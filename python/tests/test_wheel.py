"""The installed wheel on its own: no Swift toolchain on the PATH, the package from the virtual
environment, the console script, and a binary whose libraries come from the wheel (only the
C runtime that every manylinux system has is taken from the system)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import easeml_ci
from easeml_ci import _cli, contract
from conftest import Gate

# What the manylinux policy lets a wheel take from the system (glibc, the GCC runtime, zlib).
SYSTEM = ("linux-vdso", "ld-linux", "libc.so", "libm.so", "libdl.so", "librt.so", "libpthread.so", "libresolv.so",
          "libstdc++.so", "libgcc_s.so", "libz.so")


def test_no_swift_and_the_package_from_the_fresh_environment() -> None:
    assert shutil.which("swift") is None, os.environ["PATH"]
    assert "EASEML_CI_BINARY" not in os.environ
    assert Path(easeml_ci.__file__).is_relative_to(Path(sys.prefix))
    assert Path(_cli.binary()).is_relative_to(Path(sys.prefix))


def test_the_console_script_is_the_binary(tmp_path: Path) -> None:
    script = shutil.which("easeml-ci")
    assert script is not None and Path(script).parent == Path(sys.executable).parent
    printed = subprocess.run([script, "version", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(printed.stdout)["easeml_ci"] == easeml_ci.version().easeml_ci == easeml_ci.__version__
    usage = subprocess.run([script, "plan", "--no-such-flag"], capture_output=True, text=True, cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr.startswith("error: Unknown option '--no-such-flag'")


def test_every_library_but_the_c_runtime_comes_from_the_wheel() -> None:
    listing = subprocess.run(["ldd", _cli.binary()], capture_output=True, text=True, check=True).stdout
    vendored = Path(os.path.realpath(Path(easeml_ci.__file__).parent.parent / "easeml_ci.libs"))
    outside = []
    for line in listing.splitlines():
        name = os.path.basename(line.strip().split(" ")[0])
        resolved = os.path.realpath(line.split("=>")[1].strip().split(" (")[0]) if "=>" in line else ""
        if "not found" in line:
            outside.append(line.strip())
        elif not name.startswith(SYSTEM) and not resolved.startswith(str(vendored)):
            outside.append(line.strip())
    assert outside == [], listing
    for library in ("libgit2", "libsqlite3", "libopenblas", "libgfortran"):
        assert any(f.startswith(library) for f in os.listdir(vendored)), library
    assert "libswiftCore" not in listing and "libFoundation" not in listing, "the Swift runtime is linked statically"


def test_the_schemas_ship_with_the_wheel() -> None:
    shipped = Path(easeml_ci.__file__).parent / "schemas"
    assert contract.schema_directory() == shipped
    listing = contract.index()
    assert listing["version"] == contract.version() >= 1
    for name in {listing["error"], *listing["commands"].values()}:
        schema = json.loads((shipped / name).read_text())
        assert schema["$id"] == f"urn:easeml-ci:schema:{listing['version']}:{name.removesuffix('.schema.json')}"


def test_every_document_of_a_test_is_validated_and_a_broken_one_is_caught(every_output_follows_its_schema: list, gate: Gate) -> None:
    # The autouse fixture records every document the binary prints (here: the gate's set-up and a
    # plan) under the name schemas/index.json gives its command, and validates each after the test.
    easeml_ci.plan(cwd=gate.root)
    assert [command for command, _ in every_output_follows_its_schema] == ["key generate", "testset add", "baseline set", "plan"]
    assert contract.command_of(["check", "--commit", "HEAD", "--predictions", "p.csv"]) == "check --commit"
    assert contract.command_of(["check", "--predictions", "p.csv"]) == "check"
    assert contract.command_of(["pick", "start", "--name", "monday"]) == "pick start"
    assert contract.command_of(["predict", "--commit", "HEAD", "--output", "p.csv"]) == "predict"
    # A document that breaks its schema is reported, also inside another schema's document by $id.
    (plan_document,) = [d for c, d in every_output_follows_its_schema if c == "plan"]
    assert contract.problems("plan", plan_document) == []
    assert contract.problems("predict", {"commit": "HEAD"}) != []
    gate_without_budget = {"commit": "a" * 40, "summary": "s", "candidate": True, "relevantPaths": [], "gate": {"answer": "pass"}}
    assert any("gate: 'stepsLeft' is a required property" in p for p in contract.problems("check --commit", gate_without_budget))
