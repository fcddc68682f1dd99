#!/usr/bin/env python3
"""Builds the labelled corpus of document photos for `icp-companion check-eval`.

Document-like images (ID card, permits, passport data page, business
licence, authenticity statement with or without seal and fingerprint, domain
certificate) are drawn with Chinese print, a real face photo on the cards,
laid rotated on surfaces of several colours, then the faults a reviewer
rejects are applied one at a time: a grey photocopy, blur, glare, a corner
outside the frame, too few pixels, a missing seal or fingerprint.

Inputs (fetched by tests/eval/photo-eval.sh from registries, never committed):
  --photos DIR   photos of people (npm @vladmandic/face-api demo samples)
  --faces TSV    their face boxes, as printed by `icp-companion faces`
  --font FILE    a CJK font (Debian fonts-wqy-microhei)
Writes DIR/*.jpg and DIR/labels.tsv with the columns
  file, target (document:TYPE:MARKS), case, codes that must fail, codes not judged.
"""

import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import blur_kinds
from make_photo_corpus import blur_of, corpus_arguments, open_photo, read_faces

CARDS = ["id-card", "hk-macao-permit", "taiwan-permit", "passport"]
SHEETS = ["business-licence", "authenticity-statement", "domain-certificate"]
SURFACES = [(92, 60, 38), (60, 62, 66), (35, 70, 45), (140, 100, 70), (25, 25, 30), (110, 40, 40)]
TEXT = "中华人民共和国居民身份证姓名性别民族出生住址公民身份号码有效期限签发机关统一社会信用代码名称类型法定代表人经营范围注册资本成立日期营业期限住所域名证书注册所有人"


def line(rng, n):
    return "".join(rng.choice(TEXT) for _ in range(n))


def card(kind, face, rng, font):
    """A card-sized document, 856 × 540 (passport page 880 × 625)."""
    w, h = (880, 625) if kind == "passport" else (856, 540)
    tint = {"id-card": (214, 232, 238), "hk-macao-permit": (232, 220, 236),
            "taiwan-permit": (222, 236, 214), "passport": (236, 226, 212)}[kind]
    img = Image.new("RGB", (w, h), tint)
    d = ImageDraw.Draw(img)
    # A guilloche-like pattern in a deeper tint.
    deeper = tuple(int(c * 0.85) for c in tint)
    for k in range(0, w, 14):
        d.arc((k - 200, -100, k + 200, h + 100), 200, 340, fill=deeper, width=1)
    f = ImageFont.truetype(font, 30)
    for i in range(6):
        d.text((40, 50 + i * 70), line(rng, rng.randint(5, 12)), font=f, fill=(40, 40, 45))
    # The holder's photo, from a real face.
    path, (x, y, fw, fh) = face
    portrait = open_photo(path).crop((int(x - 0.3 * fw), int(y - 0.6 * fh), int(x + 1.3 * fw), int(y + 1.5 * fh)))
    pw = int(w * 0.28)
    portrait = portrait.resize((pw, int(pw * 1.3)))
    # Printed: ink on the tinted card (its white is the card's, never
    # brighter; a photo's clipped window would otherwise read as glare).
    printed = np.asarray(portrait.convert("RGB"), np.float32) * np.array(tint, np.float32) / 255.0
    img.paste(Image.fromarray(printed.astype(np.uint8)), (w - pw - 40, 60))
    # A red emblem mark in the corner.
    d.ellipse((w - 110, h - 110, w - 40, h - 40), outline=(200, 30, 30), width=6)
    return img


def seal(d, cx, cy, r, rng):
    """A red official seal: ring, star, and print along the rim."""
    red = (rng.randint(200, 230), rng.randint(20, 60), rng.randint(30, 60))
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(4, r // 14))
    star = [(cx + 0.35 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - 0.35 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=red)
    for k in range(12):
        a = math.pi * (0.15 + 0.7 * k / 11)
        px, py = cx - 0.72 * r * math.cos(a), cy - 0.72 * r * math.sin(a)
        d.rectangle((px - r * 0.06, py - r * 0.06, px + r * 0.06, py + r * 0.06), fill=red)


def fingerprint(img, cx, cy, size, rng):
    """A red fingerprint: concentric ridges in an oval."""
    layer = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(layer)
    for k in range(0, int(size / 2), 5):
        d.ellipse((cx - size * 0.38 + k * 0.75, cy - size / 2 + k, cx + size * 0.38 - k * 0.75, cy + size / 2 - k),
                  outline=200, width=2)
    red = Image.new("RGB", img.size, (rng.randint(190, 220), 40, 50))
    img.paste(red, (0, 0), layer.filter(ImageFilter.GaussianBlur(0.8)))


def sheet(kind, marks, rng, font):
    """An A4 document, 1240 × 1754 (landscape for licences and certificates)."""
    w, h = (1754, 1240) if kind != "authenticity-statement" else (1240, 1754)
    img = Image.new("RGB", (w, h), (236, 234, 228))
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(font, 34)
    if kind == "business-licence":
        d.rectangle((40, 40, w - 40, h - 40), outline=(190, 30, 30), width=18)
        d.rectangle((75, 75, w - 75, h - 75), outline=(200, 150, 60), width=6)
        d.ellipse((w / 2 - 70, 110, w / 2 + 70, 250), fill=(205, 40, 35))
        seal(d, w - 330, h - 300, 150, rng)
    if kind == "domain-certificate":
        d.rectangle((0, 0, w, 200), fill=(rng.choice([(240, 120, 20), (30, 110, 200)])))
    top = 300 if kind != "authenticity-statement" else 160
    for i in range((h - top - 300) // 60):
        d.text((150, top + i * 60), line(rng, rng.randint(12, 30)), font=f, fill=(30, 30, 30))
    if kind == "authenticity-statement":
        # A signature in black ink.
        pts = [(800 + k * 12, h - 330 + 25 * math.sin(k / 2.5 + rng.random())) for k in range(25)]
        d.line(pts, fill=(20, 20, 30), width=5)
        if "seal" in marks:
            seal(d, rng.randint(780, 900), h - 320, rng.randint(150, 180), rng)
        if "fingerprint" in marks:
            fingerprint(img, 1080, h - 330, rng.randint(90, 130), rng)
    return img


def place(doc, size, rng, cut=False):
    """The document rotated a little on a surface, filling 70–85 % of the
    photo (or pushed over an edge when `cut`)."""
    w, h = size
    surface = np.empty((h, w, 3), np.float32)
    surface[:] = rng.choice(SURFACES)
    surface += np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 6, surface.shape)
    grain = np.sin(np.arange(w) / rng.uniform(5, 20))[None, :, None] * 8
    photo = Image.fromarray(np.clip(surface + grain, 0, 255).astype(np.uint8))
    fill = rng.uniform(0.7, 0.85)
    angle = rng.uniform(-8, 8)
    a = math.radians(abs(angle))
    turned_w = doc.width * math.cos(a) + doc.height * math.sin(a)
    turned_h = doc.width * math.sin(a) + doc.height * math.cos(a)
    k = min(w * fill / turned_w, h * fill / turned_h)
    doc = doc.resize((int(doc.width * k), int(doc.height * k)), Image.LANCZOS)
    mask = Image.new("L", doc.size, 255)
    doc, mask = doc.rotate(angle, Image.BICUBIC, expand=True), mask.rotate(angle, Image.BICUBIC, expand=True)
    x, y = (w - doc.width) // 2 + rng.randint(-w // 20, w // 20), (h - doc.height) // 2 + rng.randint(-h // 20, h // 20)
    if cut:
        dx, dy = rng.choice([(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1)])
        x += int(dx * (w - doc.width) / 2 + dx * doc.width * rng.uniform(0.06, 0.15))
        y += int(dy * (h - doc.height) / 2 + dy * doc.height * rng.uniform(0.06, 0.15))
    photo.paste(doc, (x, y), mask)
    # Soft, uneven light.
    arr = np.asarray(photo).astype(np.float32)
    arr *= np.linspace(rng.uniform(0.9, 1.0), rng.uniform(1.0, 1.05), w)[None, :, None]
    return arr, (x, y, doc.width, doc.height)


def on_screen(arr, rng):
    """The photo shown on a screen and photographed off it (翻拍): a screen
    of RGB stripe pixels with a dark matrix between them, its pitch 2.2-5
    camera pixels, turned up to 4°, sampled by the camera's pixels (2 × 2
    samples each) through optics that soften it over a third to a half of
    its pitch (the stripes mostly merge; the grid and its moiré remain); as
    bright as the original."""
    h, w = arr.shape[:2]
    pitch = rng.uniform(2.2, 5.0)
    angle = math.radians(rng.uniform(-4, 4))
    sw, sh = int(w / pitch) + 2, int(h / pitch) + 2
    shown = np.asarray(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).resize((sw, sh), Image.BILINEAR),
                       np.float32)
    ss = 2
    out = np.empty((h, w, 3), np.float32)
    c, s_ = math.cos(angle), math.sin(angle)
    xs = (np.arange(w * ss, dtype=np.float32) + 0.5) / ss - w / 2
    for y0 in range(0, h, 64):
        y1 = min(h, y0 + 64)
        ys = (np.arange(y0 * ss, y1 * ss, dtype=np.float32) + 0.5) / ss - h / 2
        X, Y = np.meshgrid(xs, ys)
        u = (X * c - Y * s_) / pitch + sw / 2
        v = (X * s_ + Y * c) / pitch + sh / 2
        iu, iv = np.clip(u.astype(int), 0, sw - 1), np.clip(v.astype(int), 0, sh - 1)
        fu, fv = u - np.floor(u), v - np.floor(v)
        stripe = np.minimum((fu * 3).astype(int), 2)
        lit = ((fu * 3 - stripe) < 0.8) & (fv < 0.85)
        value = shown[iv, iu, stripe] * lit
        samples = np.zeros(value.shape + (3,), np.float32)
        for k in range(3):
            samples[..., k] = np.where(stripe == k, value, 0)
        out[y0:y1] = samples.reshape(y1 - y0, ss, w, ss, 3).mean(axis=(1, 3))
    soft = Image.fromarray(np.clip(out * 3.4, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.3, 0.5) * pitch))
    out = np.asarray(soft, np.float32)
    return out * (arr.mean() / max(out.mean(), 1))


CASES = ["good", "good", "photocopy", "blur", "glare", "edge-cut", "low-res", "no-mark",
         # Taken as a phone takes them: sensor noise at the composed size or at 12 MP.
         "good-noisy", "motion", "defocus", "good-hires", "defocus-hires",
         # Photographed off a screen showing the document (at 12 MP the
         # screen's pixels are 2.5 times as many camera pixels).
         "screen", "screen-hires"]
# Blur that leaves the print illegible, as a share of the document's width:
# motion of 0.8-1.4 % (9-15 px across an ID card 1100 px wide), a defocus
# disc of radius 0.5-0.9 %.
BLUR_FAILING = {"motion": (0.008, 0.014), "defocus": (0.005, 0.009)}


def make(doc_type, marks, case, face, rng, font, blur=None):
    """(image, failing codes, codes not judged); `blur` (kind, share of the
    document's width) applies that blur instead of the case's."""
    fails, ignore = set(), set()
    colour_original = doc_type not in ("authenticity-statement", "domain-certificate")
    if case == "photocopy" and not colour_original:
        case = "good"
    if case == "no-mark" and not marks:
        case = "good"
    wanted = "" if case == "no-mark" else marks
    doc = card(doc_type, face, rng, font) if doc_type in CARDS else sheet(doc_type, wanted, rng, font)
    if case == "photocopy":
        grey = doc.convert("L")
        doc = Image.merge("RGB", (grey, grey, grey))
        fails.add("document.colour")
    size = (1600, 1200) if doc_type in CARDS else (2400, 1800)
    if doc_type == "authenticity-statement":
        size = (1800, 2400)
    arr, (x, y, dw, dh) = place(doc, size, rng, cut=case == "edge-cut")
    if case == "edge-cut":
        fails.add("document.edge_cut")
        ignore |= {"document.resolution", "document.seal", "document.fingerprint", "document.glare"}
    if case == "glare":
        yy, xx = np.mgrid[0:size[1], 0:size[0]]
        gx, gy = x + dw * rng.uniform(0.3, 0.7), y + dh * rng.uniform(0.3, 0.7)
        r = math.sqrt(dw * dh * rng.uniform(0.05, 0.1) / math.pi)
        blob = np.exp(-(((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * (r * 0.7) ** 2)))
        arr = arr + blob[..., None] * 400
        fails.add("document.glare")
    if case.startswith("screen"):
        arr = on_screen(arr, rng)
        fails.add("document.screen")
        # A screen's own light and grid: colour, sharpness and the document's
        # outline on the screen's patterned surface are not judged.
        ignore |= {"document.colour", "document.blurry", "document.glare", "document.seal", "document.fingerprint",
                   "document.edge_cut", "document.resolution"}
    if blur_of(case):
        blur = (blur_of(case), rng.uniform(*BLUR_FAILING[blur_of(case)]))
        fails.add("document.blurry")
    if blur:
        arr = blur_kinds.apply(arr, blur[0], dw * blur[1], rng)
        ignore |= {"document.seal", "document.fingerprint"}
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if case == "blur":
        img = img.filter(ImageFilter.GaussianBlur(max(size) * rng.uniform(0.0025, 0.004)))
        fails.add("document.blurry")
        # Blur fades a seal's or fingerprint's ink too; judged on sharpness.
        ignore |= {"document.seal", "document.fingerprint"}
    if case == "low-res":
        k = rng.uniform(0.3, 0.4)
        img = img.resize((int(size[0] * k), int(size[1] * k)), Image.LANCZOS)
        fails.add("document.resolution")
    if case == "no-mark":
        fails |= {f"document.{m}" for m in marks.split("+")}
    if case.endswith("-hires"):
        k = 4000 / max(size)  # a 12 MP phone photo
        img = blur_kinds.as_taken(np.asarray(img), (round(size[0] * k), round(size[1] * k)), rng.uniform(3, 7), rng)
    elif case.endswith("-noisy") or case == "screen" or blur:
        img = blur_kinds.as_taken(np.asarray(img), size, rng.uniform(2, 5), rng)
    return img, fails, ignore, case


# The sweep's amounts (share of the document's width), and the levels from
# which a reviewer rejects and up to which one accepts (between: not judged).
SWEEP = {"motion": [0.002, 0.004, 0.006, 0.008, 0.01, 0.012, 0.016],
         "defocus": [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008]}
SWEEP_REJECT = {"motion": 0.008, "defocus": 0.005}
SWEEP_ACCEPT = {"motion": 0.003, "defocus": 0.002}


def sweep(faces, out, rng, font, per_amount):
    """The blur sweep: every kind of document, each kind of blur at every
    amount, with sensor noise; labelled by the reviewer's levels."""
    n = 0
    with open(os.path.join(out, "labels.tsv"), "w", encoding="utf-8") as labels:
        labels.write("file\ttarget\tcase\tmust_fail\tnot_judged\n")
        for doc_type in CARDS + SHEETS:
            for kind, amounts in SWEEP.items():
                for amount in amounts:
                    for k in range(per_amount):
                        img, _, ignore, _ = make(doc_type, "", "good", rng.choice(faces), rng, font, blur=(kind, amount))
                        name = f"{doc_type}-{kind}-{amount:.3f}-{k}.jpg"
                        img.save(os.path.join(out, name), quality=rng.choice([85, 90, 94]))
                        fails = "document.blurry" if amount >= SWEEP_REJECT[kind] else ""
                        if SWEEP_ACCEPT[kind] < amount < SWEEP_REJECT[kind]:
                            ignore.add("document.blurry")
                        labels.write(f"{name}\tdocument:{doc_type}:\tsweep:document.blurry:{kind}:{amount:g}\t"
                                     f"{fails}\t{','.join(sorted(ignore))}\n")
                        n += 1
    print(f"{n} photos in {out}")


def main():
    ap = corpus_arguments(__doc__.splitlines()[0])
    ap.add_argument("--per-case", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    faces = read_faces(args.faces, args.photos)
    os.makedirs(args.out, exist_ok=True)
    if args.sweep:
        return sweep(faces, args.out, rng, args.font, 2)
    types = [(t, "") for t in CARDS + SHEETS] + [("authenticity-statement", "seal"),
                                                  ("authenticity-statement", "fingerprint")]
    n = 0
    with open(os.path.join(args.out, "labels.tsv"), "w", encoding="utf-8") as labels:
        labels.write("file\ttarget\tcase\tmust_fail\tnot_judged\n")
        for doc_type, marks in types:
            for j, case in enumerate(CASES):
                for k in range(args.per_case):
                    img, fails, ignore, case_done = make(doc_type, marks, case, rng.choice(faces), rng, args.font)
                    name = f"{doc_type}-{marks or 'none'}-{j}-{k}-{case_done}.jpg"
                    img.save(os.path.join(args.out, name), quality=rng.choice([85, 90, 94]))
                    labels.write(f"{name}\tdocument:{doc_type}:{marks}\t{case_done}\t"
                                 f"{','.join(sorted(fails))}\t{','.join(sorted(ignore))}\n")
                    n += 1
    print(f"{n} photos in {args.out}")


if __name__ == "__main__":
    main()
