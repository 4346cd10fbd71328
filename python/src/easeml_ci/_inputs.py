"""Python values as the files the command line reads: a path is passed on as it is (made absolute),
NumPy arrays and lists are written to a scratch folder — a class column as `.npy` (integers) or
CSV (`id,label`, or one `label` a line), a feature matrix as `.npy`."""

from __future__ import annotations

import csv
import os
import tempfile
from typing import Any, Optional, Sequence

PathLike = (str, os.PathLike)


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class Scratch:
    """A temporary folder for one call, removed when the call ends."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="easeml-ci-")
        self.path = self._folder.name

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *_: Any) -> None:
        self._folder.cleanup()

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)


def path(value: Any) -> str:
    return os.path.abspath(os.fspath(value))


def _label_text(value: Any) -> str:
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def class_column(values: Any, scratch: Scratch, name: str, *, ids: Optional[Sequence[Any]] = None, header: str = "label") -> str:
    """A file of one class per example: `values` itself when it is a path; a 1-D integer (or
    integral float) NumPy array as `.npy`; anything else as CSV, with `ids` as an `id` column."""
    if isinstance(values, PathLike):
        return path(values)
    numpy = _numpy()
    if numpy is not None and isinstance(values, numpy.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name}: one class per example (a 1-D array), got an array of shape {values.shape}")
        if ids is None and values.dtype.kind in "iubf":
            target = scratch.file(f"{name}.npy")
            numpy.save(target, values.astype(numpy.int64) if values.dtype.kind == "b" else values)
            return target
    values = list(values)
    if ids is not None and len(ids) != len(values):
        raise ValueError(f"{name}: {len(values)} values but {len(ids)} ids")
    target = scratch.file(f"{name}.csv")
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", header] if ids is not None else [header])
        for i, value in enumerate(values):
            writer.writerow([_label_text(ids[i]), _label_text(value)] if ids is not None else [_label_text(value)])
    return target


def feature_matrix(values: Any, scratch: Scratch, name: str) -> str:
    """A feature file: `values` itself when it is a path, else a 2-D float64 `.npy`."""
    if isinstance(values, PathLike):
        return path(values)
    numpy = _numpy()
    if numpy is None:
        raise ImportError("feature matrices need NumPy (pip install numpy), or pass a CSV or .npy path")
    matrix = numpy.asarray(values, dtype=numpy.float64)
    if matrix.ndim != 2:
        raise ValueError(f"{name}: a 2-D matrix of features (examples × features), got shape {matrix.shape}")
    target = scratch.file(f"{name}.npy")
    numpy.save(target, matrix)
    return target
