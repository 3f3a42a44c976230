#!/usr/bin/python3
"""Compares dlib's and the ONNX model's descriptors (plain Python, no numpy needed).

    compare.py <chips.txt> <dlib.txt> <onnx.txt> [--max-abs 1e-4] [--min-cos 0.99999]

Each descriptor file has one line of space-separated floats per chip, in chips.txt order. Prints per chip the
largest absolute difference, the cosine similarity and dlib's descriptor norm; exits 1 if any chip misses a
threshold.
"""
import math
import sys


def read_rows(path):
    with open(path) as f:
        return [[float(v) for v in line.split()] for line in f if line.strip()]


def main():
    args = sys.argv[1:]
    max_abs_limit, min_cos_limit = 1e-4, 0.99999
    if "--max-abs" in args:
        max_abs_limit = float(args[args.index("--max-abs") + 1])
    if "--min-cos" in args:
        min_cos_limit = float(args[args.index("--min-cos") + 1])
    names = [n.strip() for n in open(args[0]) if n.strip()]
    ref, onnx = read_rows(args[1]), read_rows(args[2])
    if not (len(names) == len(ref) == len(onnx)):
        sys.exit(f"row counts differ: {len(names)} chips, {len(ref)} dlib rows, {len(onnx)} onnx rows")

    worst_abs, worst_cos, failed = 0.0, 1.0, False
    print(f"{'chip':34} {'max|diff|':>10} {'1-cosine':>10} {'|dlib|':>8} {'max|dlib|':>9}")
    for name, a, b in zip(names, ref, onnx):
        if len(a) != len(b):
            sys.exit(f"{name}: {len(a)} vs {len(b)} values")
        max_abs = max(abs(x - y) for x, y in zip(a, b))
        na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
        cos = sum(x * y for x, y in zip(a, b)) / (na * nb)
        ok = max_abs < max_abs_limit and cos > min_cos_limit
        failed |= not ok
        worst_abs, worst_cos = max(worst_abs, max_abs), min(worst_cos, cos)
        print(f"{name:34} {max_abs:10.3e} {1 - cos:10.2e} {na:8.4f} {max(abs(x) for x in a):9.4f}{'' if ok else '  FAIL'}")
    print(f"overall: {len(names)} chips, {len(a)} dims, max|diff| {worst_abs:.3e} (limit {max_abs_limit:g}), "
          f"min cosine {worst_cos:.12f} (limit {min_cos_limit})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
