#!/usr/bin/env python3
"""Writes WIDER FACE's ground truth (the .mat file of wider_face_split) in its text format (bbx_gt), keeping only the
photos present under <images folder>: x y w h blur expression illumination invalid occlusion pose, one line a face.

    wider-to-text.py <wider_face_train.mat> <images folder> > boxes.txt

Needs Debian's python3-scipy (scipy.io.loadmat reads MATLAB v5 files)."""
import os
import sys

try:
    import scipy.io
except ImportError:
    sys.exit("wider-to-text: scipy is missing (apt-get install python3-scipy)")

if len(sys.argv) != 3:
    sys.exit(__doc__)
mat = scipy.io.loadmat(sys.argv[1])
images = sys.argv[2]
labels = ["blur", "expression", "illumination", "invalid", "occlusion", "pose"]
written = 0
for e, event in enumerate(mat["event_list"]):
    event = str(event[0][0])
    for f, name in enumerate(mat["file_list"][e][0]):
        path = f"{event}/{name[0][0]}.jpg"
        if not os.path.exists(os.path.join(images, path)):
            continue
        boxes = mat["face_bbx_list"][e][0][f][0]
        attributes = [mat[f"{label}_label_list"][e][0][f][0] for label in labels]
        print(path)
        print(len(boxes))
        if len(boxes) == 0:
            print("0 0 0 0 0 0 0 0 0 0")
        for b, box in enumerate(boxes):
            print(" ".join(str(int(v)) for v in box) + " " + " ".join(str(int(a[b][0])) for a in attributes))
        written += 1
print(f"wider-to-text: {written} photos", file=sys.stderr)
