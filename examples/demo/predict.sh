#!/bin/sh
# The demo's "model": a real project would load model/ and predict every input in $EASEML_INPUTS.
# Here the model *is* its predictions file. Output: CSV `id,prediction` to $EASEML_OUTPUT.
set -eu
cp model/predictions.csv "$EASEML_OUTPUT"
