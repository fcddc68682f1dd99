#!/usr/bin/env python3
"""Builds the labelled corpus of administrator photos for `icp-companion photo-eval`.

Real faces (with their hair) are cut from registry photos and composed onto
blue filing backdrops printed with Chinese characters, and onto white
backdrops, above a body wearing clothes of many colours; then the faults a
reviewer rejects are applied one at a time. Real photos cropped as portraits
(their own rooms and clothes) are the "no backdrop" cases.

Inputs (fetched by tests/eval/photo-eval.sh from registries, never committed):
  --photos DIR   photos of people (npm @vladmandic/face-api demo samples)
  --faces TSV    their face boxes, as printed by `icp-companion faces`
  --font FILE    a CJK font (Debian fonts-wqy-microhei)
Writes DIR/*.jpg and DIR/labels.tsv with the columns
  file, target (photo:backdrop|photo:app), case, codes that must fail, codes not judged.
"""

import argparse
import os
import random
import re

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import blur_kinds

W, H = 600, 800
ALL_FRAMING = ["photo.face_count", "photo.off_centre", "photo.head_cut", "photo.head_size"]

GOOD_CLOTHES = {
    "black": (24, 24, 26),
    "charcoal": (55, 55, 58),
    "grey": (128, 128, 130),
    "white": (232, 232, 228),
    "beige": (205, 190, 160),
    "brown": (100, 70, 45),
    "olive": (95, 100, 50),
    "khaki": (170, 160, 110),
    "dark-green": (30, 80, 45),
    "mustard": (200, 160, 40),
}
RED_CLOTHES = {"red": (200, 25, 35), "crimson": (170, 20, 50), "maroon": (115, 20, 30), "scarlet": (225, 45, 30)}
BLUE_CLOTHES = {"blue": (30, 80, 190), "navy": (22, 32, 85), "royal": (45, 70, 210), "sky": (90, 150, 220)}
BACKDROP_BLUES = [(0, 82, 170), (20, 100, 200), (10, 70, 150), (25, 95, 185)]
PHRASES = ["网站备案核验专用", "ICP备案拍照专用幕布", "备案核验背景布"]


# The source faces' own pose and expression, as the corpus' labeller judged
# them by eye (photo, centre of the face box): codes a reviewer would reject
# the face for in every case, and codes too close to call (not judged).
# Every other face is frontal, eyes open, nothing over it.
NATURAL = {
    ("sample1.jpg", (496, 484)): (set(), {"photo.face_covered", "photo.head_turned", "photo.head_nodded", "photo.uneven_light"}),  # face paint, turned
    ("sample1.jpg", (921, 540)): (set(), {"photo.eyes_closed", "photo.head_nodded", "photo.head_tilted", "photo.head_turned", "photo.uneven_light"}),  # looks down
    ("sample1.jpg", (1570, 304)): ({"photo.head_tilted"}, set()),
    ("sample2.jpg", (1549, 277)): ({"photo.eyes_closed"}, {"photo.head_nodded", "photo.head_tilted", "photo.head_turned"}),  # looks down
    ("sample4.jpg", (1060, 304)): ({"photo.eyes_closed"}, {"photo.head_tilted", "photo.head_turned", "photo.head_nodded", "photo.uneven_light"}),  # laughing
    ("sample4.jpg", (346, 334)): ({"photo.head_tilted"}, {"photo.head_nodded", "photo.head_turned"}),
    ("sample4.jpg", (1344, 273)): ({"photo.head_tilted"}, {"photo.head_turned", "photo.eyes_closed"}),  # laughing
    ("sample5.jpg", (1501, 526)): (set(), {"photo.head_turned", "photo.head_tilted"}),
    ("sample6.jpg", (1273, 448)): (set(), {"photo.face_covered", "photo.head_nodded", "photo.head_tilted"}),  # hand on the chin
}
LANDMARK_CODES = {"photo.eyes_closed", "photo.head_turned", "photo.head_nodded", "photo.head_tilted",
                  "photo.face_covered", "photo.uneven_light"}


def natural(face):
    """(codes failing, codes not judged) for the source face's own pose."""
    path, (x, y, w, h) = face
    for (name, (cx, cy)), labels in NATURAL.items():
        if os.path.basename(path) == name and abs(x + w / 2 - cx) < 0.3 * w and abs(y + h / 2 - cy) < 0.3 * h:
            return labels
    return set(), set()


def read_faces(tsv, photos):
    """(photo path, (x, y, w, h)) for every face of at least 150 px."""
    faces = []
    for line in open(tsv, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4:
            continue
        path = os.path.join(photos, os.path.basename(parts[0]))
        for m in re.finditer(r"(\d+)×(\d+) px at (\d+),(\d+)", parts[3]):
            w, h, x, y = map(int, m.groups())
            if w >= 150:
                faces.append((path, (x, y, w, h)))
    return faces


_PHOTOS = {}


def open_photo(path):
    """The photo at `path`, decoded once."""
    if path not in _PHOTOS:
        _PHOTOS[path] = Image.open(path).convert("RGB")
    return _PHOTOS[path]


def head_cutout(photo, box, face_px, rng):
    """The head (face, hair and a little neck) scaled so the face box is
    face_px wide, with a feathered elliptical alpha; and its skin colour."""
    x, y, w, h = box
    s = face_px / w
    left, top = x - 0.5 * w, y - 0.75 * h
    right, bottom = x + 1.5 * w, y + 1.35 * h
    crop = photo.crop((int(left), int(top), int(right), int(bottom)))
    cw, ch = int((right - left) * s), int((bottom - top) * s)
    crop = crop.resize((cw, ch), Image.LANCZOS)
    mask = Image.new("L", (cw, ch), 0)
    d = ImageDraw.Draw(mask)
    fx, fy, fw, fh = 0.5 * w * s, 0.75 * h * s, w * s, h * s
    rx, ry = 0.62 * fw, 0.80 * fh
    cy = fy + 0.22 * fh
    d.ellipse((fx + fw / 2 - rx, cy - ry, fx + fw / 2 + rx, cy + ry), fill=255)
    # The neck, down into the collar.
    d.rectangle((fx + 0.3 * fw, fy + 0.8 * fh, fx + 0.7 * fw, ch), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.5, fw / 60)))
    arr = np.asarray(crop.crop((int(fx + 0.3 * fw), int(fy + 0.45 * fh), int(fx + 0.7 * fw), int(fy + 0.8 * fh))))
    skin = tuple(int(v) for v in np.median(arr.reshape(-1, 3), axis=0))
    return crop, mask, (fx, fy, fw, fh), skin


def backdrop(kind, rng, font):
    """A W×H background: the blue filing backdrop with characters (or
    without, or a white one), lit unevenly."""
    if kind == "white":
        base = np.full((H, W, 3), rng.choice([228, 236, 244]), np.float32)
    else:
        base = np.empty((H, W, 3), np.float32)
        base[:] = rng.choice(BACKDROP_BLUES)
    img = Image.fromarray(base.astype(np.uint8))
    if kind == "blue-text":
        d = ImageDraw.Draw(img)
        size = rng.randint(34, 48)
        f = ImageFont.truetype(font, size)
        phrase = rng.choice(PHRASES)
        step = int(size * 2.2)
        for row, yy in enumerate(range(-size, H + size, step)):
            shift = (row % 2) * size * 2
            d.text((-shift + rng.randint(0, size), yy), (phrase + "  ") * 4, font=f, fill=(245, 246, 250))
    arr = np.asarray(img).astype(np.float32)
    # Uneven light: brighter on one side and towards the top.
    gx = np.linspace(rng.uniform(0.85, 1.0), rng.uniform(1.0, 1.1), W)[None, :, None]
    gy = np.linspace(1.05, rng.uniform(0.85, 0.95), H)[:, None, None]
    return arr * gx * gy


def body(canvas, cx, chin, fw, fh, colour, skin, rng):
    """Paints neck, shoulders and torso in `colour` (with folds and noise)."""
    mask = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(mask)
    shoulder_y = chin + 0.55 * fh
    half = rng.uniform(1.55, 1.85) * fw
    d.rounded_rectangle((cx - half, shoulder_y, cx + half, H + 50), radius=int(0.6 * fw), fill=255)
    d.polygon([(cx - 0.55 * fw, chin + 0.2 * fh), (cx + 0.55 * fw, chin + 0.2 * fh),
               (cx + half * 0.9, shoulder_y + 0.3 * fh), (cx - half * 0.9, shoulder_y + 0.3 * fh)], fill=255)
    m = np.asarray(mask.filter(ImageFilter.GaussianBlur(1.5))).astype(np.float32)[..., None] / 255
    cloth = np.empty((H, W, 3), np.float32)
    cloth[:] = colour
    shade = np.linspace(1.08, 0.9, H)[:, None, None] * (1 + 0.06 * np.sin(np.arange(W) / rng.uniform(9, 17)))[None, :, None]
    cloth = cloth * shade + np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 5, cloth.shape)
    canvas[:] = canvas * (1 - m) + cloth * m
    # The skin of the neck showing above the collar (a V neck).
    neck = Image.new("L", (W, H), 0)
    ImageDraw.Draw(neck).polygon([(cx - 0.32 * fw, chin - 0.1 * fh), (cx + 0.32 * fw, chin - 0.1 * fh),
                                  (cx, chin + 0.55 * fh)], fill=255)
    n = np.asarray(neck.filter(ImageFilter.GaussianBlur(1.5))).astype(np.float32)[..., None] / 255
    canvas[:] = canvas * (1 - n) + np.array(skin, np.float32) * 0.92 * n


def person(canvas, face, cx, face_top, face_px, colour, rng, tilt=0.0, shade=None):
    """Paints a person whose face box is face_px wide, centred at cx, its top
    at face_top; the head tilted by `tilt` degrees, lit from one side when
    `shade` (the far side's brightness, 0-1) is given; returns the face's
    skin colour."""
    path, box = face
    photo = open_photo(path)
    head, mask, (fx, fy, fw, fh), skin = head_cutout(photo, box, face_px, rng)
    if tilt:
        # About the face's middle, which stays where it was.
        centre = (fx + fw / 2, fy + fh / 2)
        head = head.rotate(tilt, resample=Image.BICUBIC, center=centre)
        mask = mask.rotate(tilt, resample=Image.BICUBIC, center=centre)
    if shade is not None:
        # Light from one side: full on that half of the face, `shade` on
        # the other, the shadow's edge soft along the nose.
        arr = np.asarray(head).astype(np.float32)
        t = 1 / (1 + np.exp(-(np.arange(arr.shape[1]) - fx - fw / 2) / (0.06 * fw)))
        if rng.random() < 0.5:
            t = 1 - t
        arr *= (shade + (1 - shade) * t)[None, :, None]
        head = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    chin = face_top + fh
    body(canvas, cx, chin, fw, fh, colour, skin, rng)
    ox, oy = int(cx - fw / 2 - fx), int(face_top - fy)
    img = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    img.paste(head, (ox, oy), mask)
    canvas[:] = np.asarray(img).astype(np.float32)
    return skin


def cover(canvas, kind, box, rng):
    """Sunglasses over the eyes, or a face mask from the nose down, on the
    face whose box (the core's: brows to chin, about square) is given."""
    x, y, w, h = box
    img = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    if kind == "sunglasses":
        tint = rng.choice([(18, 18, 20), (40, 30, 22), (25, 35, 30)])
        rx, ry = rng.uniform(0.18, 0.22) * w, rng.uniform(0.13, 0.17) * h
        eye_y = y + rng.uniform(0.34, 0.39) * h
        for ex in (x + 0.28 * w, x + 0.72 * w):
            d.ellipse((ex - rx, eye_y - ry, ex + rx, eye_y + ry), fill=tint + (240,))
        d.rectangle((x + 0.44 * w, eye_y - 0.03 * h, x + 0.56 * w, eye_y + 0.01 * h), fill=tint + (255,))
    else:
        fabric = rng.choice([(150, 200, 225), (236, 236, 232), (32, 32, 34), (120, 170, 150)])
        # From the bridge of the nose down, as a mask is worn.
        top = y + rng.uniform(0.42, 0.48) * h
        d.rounded_rectangle((x + 0.04 * w, top, x + 0.96 * w, y + 1.1 * h), radius=0.25 * w, fill=fabric + (255,))
    img.paste(layer, (0, 0), layer)
    canvas[:] = np.asarray(img).astype(np.float32)


def real_portrait(face, rng):
    """The registry photo itself, cropped as a portrait around the face:
    a real room behind, real clothes."""
    path, (x, y, w, h) = face
    photo = open_photo(path)
    crop_h = 1.55 * h / rng.uniform(0.3, 0.4)
    crop_w = crop_h * W / H
    cx, top = x + w / 2, y - 0.55 * h - crop_h * 0.12
    box = (int(cx - crop_w / 2), int(top), int(cx + crop_w / 2), int(top + crop_h))
    return np.asarray(photo.crop(box).resize((W, H), Image.LANCZOS)).astype(np.float32)


def compose(case, face, other, rng, font, blur=None):
    """(image, flow, failing codes, codes not judged) for one case; `blur`
    (kind, share of the face width) applies that blur instead of the case's."""
    flow = "app" if case.startswith("app-") else "backdrop"
    fails, ignore = set(), set()
    if case in ("no-backdrop", "app-no-backdrop"):
        img = real_portrait(face, rng)
        fails = {"photo.backdrop"} | ({"photo.backdrop_text"} if flow == "backdrop" else set())
        # Real clothes of unknown colour, framing approximate, and the
        # neighbours of a group photo may show at the edge.
        ignore = {"photo.clothing_red", "photo.clothing_blue", "photo.face_count"} | set(ALL_FRAMING)
        own_fails, own_unjudged = natural(face)
        return img, flow, fails | own_fails, ignore | own_unjudged
    kind = "white" if flow == "app" and case != "app-blue-backdrop" else "blue-text"
    if case == "text-hidden":
        kind = "blue-plain"
    canvas = backdrop(kind, rng, font)
    face_px = rng.uniform(0.20, 0.27) * W
    cx = W / 2 + rng.uniform(-0.03, 0.03) * W
    face_top = rng.uniform(0.17, 0.24) * H
    colour = GOOD_CLOTHES[rng.choice(sorted(GOOD_CLOTHES))]
    if case == "off-centre":
        cx = W / 2 + rng.choice([-1, 1]) * rng.uniform(0.19, 0.24) * W
        fails.add("photo.off_centre")
    elif case == "head-cut":
        face_top = rng.uniform(0.0, 0.04) * H
        fails.add("photo.head_cut")
    elif case == "too-small":
        # Head height 10–13 % of the photo (the limit is 15 %).
        face_px = rng.uniform(0.09, 0.115) * W
        face_top = rng.uniform(0.3, 0.38) * H
        fails.add("photo.head_size")
    elif case in ("red-shirt", "app-red-shirt"):
        colour = RED_CLOTHES[rng.choice(sorted(RED_CLOTHES))]
        fails.add("photo.clothing_red")
    elif case in ("blue-shirt", "app-blue-shirt"):
        colour = BLUE_CLOTHES[rng.choice(sorted(BLUE_CLOTHES))]
        fails.add("photo.clothing_blue")
    elif case == "navy-shirt":
        colour = BLUE_CLOTHES["navy"]
        fails.add("photo.clothing_blue")
    elif case == "black-shirt":
        colour = GOOD_CLOTHES["black"]
    elif case == "portrait-mode":
        canvas = np.asarray(Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(rng.uniform(3.5, 5)))).astype(np.float32)
        fails.add("photo.backdrop_text")
    elif case == "text-hidden":
        fails.add("photo.backdrop_text")
    elif case == "wall-above":
        wall = np.array(rng.choice([(200, 185, 160), (170, 170, 165), (215, 205, 190)]), np.float32)
        canvas[: int(rng.uniform(0.18, 0.24) * H)] = wall
        fails.add("photo.backdrop")
    elif case == "app-blue-backdrop":
        fails.add("photo.backdrop")
    if case == "two-faces":
        side = rng.choice([-1, 1])
        person(canvas, other, W / 2 + side * 0.3 * W, face_top + rng.uniform(-0.03, 0.05) * H,
               face_px * rng.uniform(0.8, 0.95), GOOD_CLOTHES[rng.choice(sorted(GOOD_CLOTHES))], rng)
        cx = W / 2 - side * 0.2 * W
        fails.add("photo.face_count")
        # With two people the landmark checks are not run.
        ignore |= {"photo.backdrop", "photo.backdrop_text"} | LANDMARK_CODES
    tilt = rng.choice([-1, 1]) * rng.uniform(18, 26) if case == "tilted" else 0.0
    shade = rng.uniform(0.25, 0.4) if case == "side-light" else None
    skin = person(canvas, face, cx, face_top, face_px, colour, rng, tilt, shade)
    own_fails, own_unjudged = natural(face)
    fails |= own_fails - ignore
    ignore |= own_unjudged
    if tilt:
        # A tilt added to the face's own may cancel it.
        (ignore if "photo.head_tilted" in own_fails else fails).add("photo.head_tilted")
    if shade is not None:
        fails.add("photo.uneven_light")
    if case in ("sunglasses", "mask"):
        cover(canvas, case, (cx - face_px / 2, face_top, face_px, face_px), rng)
        fails.add("photo.face_covered")
        # A masked face may not be found at all (then "no face" rejects it).
        ignore.add("photo.face_count")
    skin_luma = 0.299 * skin[0] + 0.587 * skin[1] + 0.114 * skin[2]
    if blur_of(case):
        blur = (blur_of(case), rng.uniform(*BLUR_FAILING[blur_of(case)]))
        fails.add("photo.blurry")
    if blur:
        canvas = blur_kinds.apply(canvas, blur[0], blur[1] * face_px, rng)
        # Blur may or may not leave the backdrop's characters legible.
        ignore.add("photo.backdrop_text")
    elif case == "blur":
        canvas = np.asarray(Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(face_px * rng.uniform(0.02, 0.03)))).astype(np.float32)
        fails |= {"photo.blurry", "photo.backdrop_text"}
    elif case == "dark":
        canvas = canvas * rng.uniform(0.3, 0.38)
        fails.add("photo.too_dark")
    elif case == "overexposed":
        # The face's skin driven to white: detail lost whatever its tone.
        canvas = canvas * (250 / max(skin_luma, 1) * rng.uniform(1.0, 1.2))
        fails.add("photo.overexposed")
        # A blown-out photo loses the backdrop's colour and the face's detail
        # too; judged on exposure.
        ignore |= {"photo.backdrop", "photo.backdrop_text"} | LANDMARK_CODES
    return canvas, flow, fails, ignore


CASES = ["good", "good", "black-shirt", "app-good", "app-good", "two-faces", "off-centre", "head-cut",
         "too-small", "red-shirt", "blue-shirt", "navy-shirt", "app-red-shirt", "app-blue-shirt", "blur",
         "dark", "overexposed", "no-backdrop", "app-no-backdrop", "text-hidden", "portrait-mode",
         "wall-above", "app-blue-backdrop",
         # Taken as a phone takes them: sensor noise at 1080 × 1440 or 3000 × 4000.
         "good-noisy", "app-good-noisy", "motion", "defocus", "app-motion", "app-defocus",
         "good-hires", "motion-hires", "defocus-hires",
         # What the face's landmarks judge.
         "tilted", "sunglasses", "mask", "side-light"]

# Blur a reviewer rejects, as a share of the face width: motion of 5-9 %
# (7-14 px on a 150 px face), a defocus disc of radius 3-5 %.
BLUR_FAILING = {"motion": (0.05, 0.09), "defocus": (0.03, 0.05)}
# The sweep's amounts (share of the face width), and the levels from which
# a reviewer rejects and up to which one accepts (in between: not judged).
SWEEP = {"motion": [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08],
         "defocus": [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04]}
SWEEP_REJECT = {"motion": 0.05, "defocus": 0.03}
SWEEP_ACCEPT = {"motion": 0.02, "defocus": 0.01}


def blur_of(case):
    """The kind of blur a case applies ("motion", "defocus") or None."""
    for kind in BLUR_FAILING:
        if kind in case.split("-"):
            return kind
    return None


def taken(case, img, rng):
    """The composed photo as the phone delivers it: 3000 × 4000 with
    sensor noise for the "-hires" cases, 1080 × 1440 with noise for the
    other noisy and blurred ones, else as composed."""
    if case.endswith("-hires"):
        return blur_kinds.as_taken(img, (3000, 4000), rng.uniform(3, 7), rng)
    if case.endswith("-noisy") or blur_of(case):
        return blur_kinds.as_taken(img, (1080, 1440), rng.uniform(2, 5), rng)
    return blur_kinds.as_taken(img, (W, H), 0, rng)


def sweep(faces, out, rng, font):
    """The blur sweep: every face, each kind of blur at every amount, taken
    at 1080 × 1440 with noise; labelled by the reviewer's levels."""
    with open(os.path.join(out, "labels.tsv"), "w", encoding="utf-8") as labels:
        labels.write("file\ttarget\tcase\tmust_fail\tnot_judged\n")
        n = 0
        for i, face in enumerate(faces):
            for kind, amounts in SWEEP.items():
                for amount in amounts:
                    other = rng.choice([f for f in faces if f != face])
                    canvas = compose("good", face, other, rng, font, blur=(kind, amount))[0]
                    img = blur_kinds.as_taken(canvas, (1080, 1440), rng.uniform(2, 5), rng)
                    name = f"{i:02d}-{kind}-{amount:.3f}.jpg"
                    img.save(os.path.join(out, name), quality=rng.choice([85, 90, 94]))
                    fails = "photo.blurry" if amount >= SWEEP_REJECT[kind] else ""
                    ignore = ["photo.backdrop_text"] + (["photo.blurry"] if SWEEP_ACCEPT[kind] < amount < SWEEP_REJECT[kind] else [])
                    labels.write(f"{name}\tphoto:backdrop\tsweep:photo.blurry:{kind}:{amount:g}\t{fails}\t{','.join(ignore)}\n")
                    n += 1
    print(f"{n} photos in {out}")


def corpus_arguments(description):
    """The command line both corpus scripts take."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("out")
    ap.add_argument("--photos", required=True)
    ap.add_argument("--faces", required=True)
    ap.add_argument("--font", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sweep", action="store_true", help="write the blur sweep instead of the cases")
    return ap


def main():
    args = corpus_arguments(__doc__.splitlines()[0]).parse_args()
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    faces = read_faces(args.faces, args.photos)
    os.makedirs(args.out, exist_ok=True)
    if args.sweep:
        return sweep(faces, args.out, rng, args.font)
    with open(os.path.join(args.out, "labels.tsv"), "w", encoding="utf-8") as labels:
        labels.write("file\ttarget\tcase\tmust_fail\tnot_judged\n")
        for i, face in enumerate(faces):
            for j, case in enumerate(CASES):
                other = rng.choice([f for f in faces if f != face])
                img, flow, fails, ignore = compose(case, face, other, rng, args.font)
                name = f"{i:02d}-{j:02d}-{case}.jpg"
                out = taken(case, img, rng)
                out.save(os.path.join(args.out, name), quality=rng.choice([85, 90, 94]))
                labels.write(f"{name}\tphoto:{flow}\t{case}\t{','.join(sorted(fails))}\t{','.join(sorted(ignore))}\n")
    print(f"{len(faces) * len(CASES)} photos in {args.out}")


if __name__ == "__main__":
    main()
