#!/usr/bin/python3
"""Makes the 150x150 RGB chips for check.sh (Debian python3 + python3-pil; no other packages).

    make_chips.py <out-dir> [--refresh-reference]

Writes <out-dir>/<name>.rgb (150*150*3 bytes, interleaved RGB, row-major) and <out-dir>/chips.txt (one name per
line, in order). The first three chips are the reference chips stored as PNG in chips/ next to this script; they
are only (re)made from the repository's photos when missing or with --refresh-reference, so reference.json stays
tied to exact pixels. The other chips are made fresh each run: more faces from bald_guys.jpg, centre crops of a few
LFW photos when the environment variable LFW_DIR names an LFW folder (one folder per person), and two synthetic images (flat grey, seeded noise) as edge cases.
"""
import glob
import json
import os
import random
import sys

import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
FACES = os.path.join(REPO, "fixtures", "faces")
LFW = os.environ.get("LFW_DIR", "")
SIZE = 150
# Bilinear is enough: the chips only need to be deterministic and face-like, not aligned like dlib's chips.
RESAMPLE = Image.BILINEAR


def square_around(box, image_size):
    """Square of side max(w, h) centred on the labelled box, shifted to lie inside the image. Returns l, t, r, b
    with r, b exclusive (PIL's crop convention)."""
    x1, y1, x2, y2 = box
    side = max(x2 - x1, y2 - y1)
    left = (x1 + x2) // 2 - side // 2
    top = (y1 + y2) // 2 - side // 2
    left = min(max(left, 0), image_size[0] - side)
    top = min(max(top, 0), image_size[1] - side)
    return [left, top, left + side, top + side]


def bald_guys_box(person, index):
    labels = json.load(open(os.path.join(FACES, "labels.json")))
    b = labels["identities"]["people"][person][index]
    return (b["x1"], b["y1"], b["x2"], b["y2"])


def reference_specs():
    """The reference chips: name, source photo (relative to the repo) and crop rectangle."""
    bald = os.path.join("fixtures", "faces", "bald_guys.jpg")
    bald_size = Image.open(os.path.join(REPO, bald)).size
    return [
        # Tom Cruise's face picked by eye in the 565x800 photo: a 420 px square from forehead to chin.
        ("tom_cruise", os.path.join("fixtures", "faces", "Tom_Cruise_avp_2014_4.jpg"), [80, 170, 500, 590]),
        ("bald_guys_statham_0", bald, square_around(bald_guys_box("Statham", 0), bald_size)),
        ("bald_guys_diesel_0", bald, square_around(bald_guys_box("Diesel", 0), bald_size)),
    ]


def make_chip(source, rect):
    return Image.open(source).convert("RGB").crop(tuple(rect)).resize((SIZE, SIZE), RESAMPLE)


def write_rgb(image, path):
    assert image.size == (SIZE, SIZE) and image.mode == "RGB"
    with open(path, "wb") as f:
        f.write(image.tobytes())  # PIL's RGB raw layout is interleaved, row-major


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    refresh = "--refresh-reference" in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    chips = []

    manifest = []
    for name, source, rect in reference_specs():
        png = os.path.join(HERE, "chips", name + ".png")
        if refresh or not os.path.exists(png):
            os.makedirs(os.path.dirname(png), exist_ok=True)
            make_chip(os.path.join(REPO, source), rect).save(png, optimize=False)
        chips.append((name, Image.open(png).convert("RGB")))
        manifest.append({"name": name, "png": "chips/" + name + ".png", "source": source,
                         "crop_ltrb_exclusive": rect, "resize": "PIL Image.resize((150, 150), Image.BILINEAR)",
                         "made_with": "Pillow " + PIL.__version__})
    with open(os.path.join(out, "reference_chips.json"), "w") as f:
        json.dump(manifest, f, indent=1)

    bald_path = os.path.join(FACES, "bald_guys.jpg")
    bald_size = Image.open(bald_path).size
    for person, index in [("Statham", 3), ("Diesel", 4), ("Johnson", 0), ("Johnson", 3), ("Willis", 0), ("Willis", 4)]:
        rect = square_around(bald_guys_box(person, index), bald_size)
        chips.append((f"bald_guys_{person.lower()}_{index}", make_chip(bald_path, rect)))

    # LFW photos are 250x250 with the face centred: the middle 150x150 needs no resizing.
    for path in (sorted(glob.glob(os.path.join(LFW, "*", "*.jpg")))[:400:100] if LFW else []):
        chips.append(("lfw_" + os.path.splitext(os.path.basename(path))[0],
                      Image.open(path).convert("RGB").crop((50, 50, 200, 200))))

    chips.append(("flat_grey", Image.new("RGB", (SIZE, SIZE), (128, 128, 128))))
    rng = random.Random(1234)
    chips.append(("noise_seed1234", Image.frombytes("RGB", (SIZE, SIZE), bytes(rng.randrange(256) for _ in range(SIZE * SIZE * 3)))))

    with open(os.path.join(out, "chips.txt"), "w") as listing:
        for name, image in chips:
            write_rgb(image, os.path.join(out, name + ".rgb"))
            listing.write(name + "\n")
    print(f"made {len(chips)} chips in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
