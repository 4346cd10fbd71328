"""The JSON contract of the command line: which schema (`schemas/*.schema.json`, listed in
`schemas/index.json`) each command's `--json` output follows, and a validator (needs the
`jsonschema` package). Standalone — no import of the rest of the package — so that the Swift tests
run it as a script from the source tree:

    python contract.py --schemas schemas/ outputs.json

where `outputs.json` is a list of `{"command": "testset add", "stdout": "..."}` (a command whose
flag selects another document is named with it: `check --commit`); exit 1 lists
every output that does not validate (or, with --strict, has no schema)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Optional


def schema_directory() -> Path:
    """The schemas shipped in the wheel, else those of the repository this file is in."""
    here = Path(__file__).resolve().parent
    shipped = here / "schemas"
    return shipped if (shipped / "index.json").is_file() else here.parents[2] / "schemas"


def index(directory: Optional[Path] = None) -> dict:
    with open((directory or schema_directory()) / "index.json", encoding="utf-8") as handle:
        return json.load(handle)


def version(directory: Optional[Path] = None) -> int:
    """The contract's version (`schemas/index.json`); every schema's `$id` carries it."""
    return int(index(directory)["version"])


def command_of(arguments: list[str]) -> str:
    """The name `schemas/index.json` gives the command line `arguments` (without the binary):
    its command path (`check`, `pick start`), or `check --commit` for the document that flag selects."""
    listed = index()["commands"]
    words: list[str] = []
    for argument in arguments:
        if argument.startswith("-") or len(words) == 2:
            break
        words.append(argument)
    command = " ".join(words) if " ".join(words) in listed else words[0]
    return f"{command} --commit" if f"{command} --commit" in listed and "--commit" in arguments else command


def _load(directory: Path, name: str) -> dict:
    with open(directory / name, encoding="utf-8") as handle:
        return json.load(handle)


def schema_for(command: str, document: Any, directory: Optional[Path] = None) -> Optional[dict]:
    """The schema `document`, printed by `easeml-ci COMMAND --json`, must follow (None: unlisted)."""
    directory = directory or schema_directory()
    listing = index(directory)
    if isinstance(document, dict) and set(document) == {"error"}:
        return _load(directory, listing["error"])
    name = listing["commands"].get(command)
    return None if name is None else _load(directory, name)


def problems(command: str, document: Any, directory: Optional[Path] = None, *, strict: bool = True) -> list[str]:
    """What is wrong with `document` against its schema; empty when it validates. A schema refers
    to another by its `$id` (`check --commit` holds a `check` document)."""
    import jsonschema
    from referencing import Registry, Resource

    directory = directory or schema_directory()
    schema = schema_for(command, document, directory)
    if schema is None:
        return [f"{command}: no schema in schemas/index.json"] if strict else []
    every = [_load(directory, file.name) for file in sorted(directory.glob("*.schema.json"))]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in every)
    validator = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{command}: {'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Validate easeml-ci --json outputs against the schemas.")
    parser.add_argument("--schemas", type=Path, default=None, help="the schemas folder (default: shipped or the repository's)")
    parser.add_argument("--strict", action="store_true", help="an output of a command without a schema is a problem")
    parser.add_argument("outputs", type=Path, help='a JSON list of {"command", "stdout"}')
    options = parser.parse_args(argv)
    with open(options.outputs, encoding="utf-8") as handle:
        outputs = json.load(handle)
    found: list[str] = []
    checked = 0
    for output in outputs:
        try:
            document = json.loads(output["stdout"])
        except ValueError as error:
            found.append(f"{output['command']}: not JSON ({error}): {output['stdout'][:200]!r}")
            continue
        if not options.strict and schema_for(output["command"], document, options.schemas) is None:
            continue
        checked += 1
        found += problems(output["command"], document, options.schemas, strict=options.strict)
    for problem in found:
        print(problem)
    print(f"{checked} outputs checked against the schemas, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
