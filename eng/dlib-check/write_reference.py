#!/usr/bin/python3
"""Writes reference.json: dlib's descriptors for the reference chips stored in chips/, for a later CI test.

    write_reference.py <work-dir> <dlib.txt> <model.dat> <out.json>

<work-dir> is make_chips.py's output (chips.txt, reference_chips.json); <dlib.txt> holds dlib's descriptors in
chips.txt order. Only the chips listed in reference_chips.json are written.
"""
import hashlib
import json
import os
import sys

work, dlib_txt, model, out = sys.argv[1:5]
names = [n.strip() for n in open(os.path.join(work, "chips.txt")) if n.strip()]
rows = [[float(v) for v in line.split()] for line in open(dlib_txt) if line.strip()]
by_name = dict(zip(names, rows))
here = os.path.dirname(os.path.abspath(out))

chips = []
for spec in json.load(open(os.path.join(work, "reference_chips.json"))):
    png = os.path.join(here, spec["png"])
    spec["png_sha256"] = hashlib.sha256(open(png, "rb").read()).hexdigest()
    spec["descriptor"] = by_name[spec["name"]]
    chips.append(spec)

reference = {
    "about": "dlib's own 128-d descriptors for the chips in chips/, to regression-test the ONNX conversion of "
             "dlib_face_recognition_resnet_model_v1.dat. Made by eng/dlib-check/check.sh --update-reference.",
    "model": {"file": os.path.basename(model), "sha256": hashlib.sha256(open(model, "rb").read()).hexdigest()},
    "runtime": "dlib 19.24 (Debian 12 libdlib-dev, CPU), anet_type from examples/dnn_face_recognition_ex.cpp, "
               "one chip per call to net(chip)",
    "input": "each PNG is a 150x150 RGB chip; feed the raw 0-255 values as RGB planes [1,3,150,150] to the ONNX "
             "model (it does dlib's mean subtraction and /256 itself). The crop and resize that made each PNG are "
             "recorded for information only: the PNG pixels are the reference.",
    "descriptor": "unnormalised output of the network (dlib compares Euclidean distances, threshold 0.6)",
    "tolerance": {"max_abs_diff": 1e-4, "min_cosine": 0.99999},
    "chips": chips,
}
with open(out, "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
print(f"wrote {out} with {len(chips)} chips", file=sys.stderr)
