#!/usr/bin/env python3
"""Builds the labelled corpus of document photos for `icp-companion read-eval`.

Documents are drawn with their real layouts and fields: the resident ID
card's front (name, sex, birth, number) and back (issuer, validity period),
the passport data page and the Mainland Travel Permit with their
machine-readable zones (check digits computed, OCR-B), the business licence
(credit code with its check character, name, term). Each is valid, expiring
before review or expired on the corpus's day, printed on a card or paper
texture, then photographed: laid on a surface in perspective, with blur,
glare, shadow and JPEG compression, at a card width of 700-1800 px.

  python3 make_reading_corpus.py OUT --font CJK.ttc --mono OCRB.otf [--seed N] [--count N]
Writes OUT/*.jpg and OUT/labels.tsv with the columns
  file, doc_type, side, today, verdict (valid/expiring/expired/none),
  validity (from/until, until `long_term`), id_number, credit_code,
  mrz_number, name, card_px.
"""

import argparse
import datetime as dt
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

TODAY = dt.date(2026, 12, 1)
MIN_DAYS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文玉兰春梅海波宁斌浩凯佳琳雪婷晨宇欣怡子轩梓涵浩然思远雨桐家豪俊杰嘉怡"
CITIES = [("110105", "北京市公安局朝阳分局", "北京市朝阳区"), ("310104", "上海市公安局徐汇分局", "上海市徐汇区"),
          ("440305", "深圳市公安局南山分局", "广东省深圳市南山区"), ("330106", "杭州市公安局西湖分局", "浙江省杭州市西湖区"),
          ("510107", "成都市公安局武侯区分局", "四川省成都市武侯区"), ("420106", "武汉市公安局武昌分局", "湖北省武汉市武昌区")]
STREETS = ["建国路", "中山路", "人民路", "解放路", "长江路", "和平街", "文化路", "科技园路"]
W_ID = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W_CC = [pow(3, i, 31) for i in range(17)]


def id_number(region, birth, rng, male):
    seq = rng.randint(0, 99) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first = f"{region}{birth:%Y%m%d}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(first, W_ID))
    return first + "10X98765432"[s % 11]


def credit_code(rng):
    first = "91" + rng.choice([c[0] for c in CITIES]) + "".join(rng.choice(CC) for _ in range(9))
    s = sum(CC.index(c) * w for c, w in zip(first, W_CC))
    return first + CC[(31 - s % 31) % 31]


def mrz_digit(field):
    v = lambda c: int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def pinyin_name(rng):
    syll = ["ZHANG", "WANG", "LI", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA", "HU", "GUO"]
    giv = ["WEI", "FANG", "NA", "MIN", "JING", "LI", "QIANG", "LEI", "JUN", "YANG", "YONG", "JIE", "TAO", "MING", "CHAO"]
    return rng.choice(syll), rng.choice(giv) + rng.choice(["", rng.choice(giv)])


def end_date(verdict, rng):
    if verdict == "expired":
        return TODAY - dt.timedelta(days=rng.randint(1, 5 * 365))
    if verdict == "expiring":
        return TODAY + dt.timedelta(days=rng.randint(0, MIN_DAYS - 1))
    return TODAY + dt.timedelta(days=rng.randint(MIN_DAYS + 30, 15 * 365))


def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def texture(size, base, rng):
    """Card or paper: a tint with fine noise and a faint guilloche."""
    w, h = size
    noise = np.random.normal(0, 4, (h, w, 1))
    arr = np.clip(np.array(base, dtype=np.float32)[None, None, :] + noise, 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    deeper = tuple(int(c * 0.9) for c in base)
    for k in range(0, w, rng.randint(12, 20)):
        d.arc((k - 260, -120, k + 260, h + 120), 200, 340, fill=deeper, width=1)
    return img


def portrait(img, box):
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(225, 228, 232))
    cx, w = (x0 + x1) / 2, x1 - x0
    d.ellipse((cx - w * 0.22, y0 + w * 0.2, cx + w * 0.22, y0 + w * 0.72), fill=(120, 100, 90))
    d.pieslice((x0 + w * 0.08, y1 - w * 0.55, x1 - w * 0.08, y1 + w * 0.45), 180, 360, fill=(40, 45, 60))


def spaced(s):
    return " ".join(s)


def id_front(rng, fonts, verdict):
    region, _, place = rng.choice(CITIES)
    male = rng.random() < 0.5
    birth = dt.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    number = id_number(region, birth, rng, male)
    img = texture((856, 540), (222, 234, 240), rng)
    d = ImageDraw.Draw(img)
    label, value = fonts["cjk"](26), fonts["cjk"](34)
    blue, ink = (70, 120, 170), (25, 25, 30)
    d.text((70, 60), spaced("姓名"), font=label, fill=blue)
    d.text((175, 55), name, font=value, fill=ink)
    d.text((70, 135), spaced("性别"), font=label, fill=blue)
    d.text((175, 130), "男" if male else "女", font=value, fill=ink)
    d.text((290, 135), spaced("民族"), font=label, fill=blue)
    d.text((395, 130), "汉", font=value, fill=ink)
    d.text((70, 210), spaced("出生"), font=label, fill=blue)
    d.text((175, 205), f"{birth.year}  年  {birth.month}  月  {birth.day}  日", font=value, fill=ink)
    d.text((70, 285), spaced("住址"), font=label, fill=blue)
    d.text((175, 280), place + rng.choice(STREETS), font=value, fill=ink)
    d.text((175, 325), f"{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 2505)}室", font=value, fill=ink)
    d.text((70, 445), "公民身份号码", font=label, fill=blue)
    d.text((300, 438), number, font=fonts["mono"](38), fill=ink)
    portrait(img, (590, 70, 800, 330))
    return img, dict(side="front", id_number=number, name=name, verdict="none", validity="")


def id_back(rng, fonts, verdict):
    _, issuer, _ = rng.choice(CITIES)
    img = texture((856, 540), (228, 236, 236), rng)
    d = ImageDraw.Draw(img)
    d.ellipse((60, 45, 190, 175), outline=(200, 40, 40), width=8)
    d.ellipse((95, 80, 155, 140), fill=(215, 60, 50))
    d.text((260, 60), "中华人民共和国", font=fonts["cjk"](44), fill=(25, 25, 30))
    d.text((260, 150), spaced("居民身份证"), font=fonts["cjk"](60), fill=(25, 25, 30))
    label, value = fonts["cjk"](26), fonts["cjk"](30)
    d.text((150, 395), "签发机关", font=label, fill=(25, 25, 30))
    d.text((300, 391), issuer, font=value, fill=(25, 25, 30))
    d.text((150, 465), "有效期限", font=label, fill=(25, 25, 30))
    if verdict == "valid" and rng.random() < 0.2:
        start = dt.date(rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28))
        text, validity = f"{start:%Y.%m.%d}-长期", f"{start}/long_term"
    else:
        until = end_date(verdict, rng)
        # A span the card law allows, issued no later than today.
        years = rng.choice([y for y in (5, 10, 20) if add_years(until, -y) <= TODAY])
        start = add_years(until, -years)
        text, validity = f"{start:%Y.%m.%d}-{until:%Y.%m.%d}", f"{start}/{until}"
    d.text((300, 461), text, font=value, fill=(25, 25, 30))
    return img, dict(side="back", verdict=verdict, validity=validity)


def mrz_block(img, lines, mono, y0):
    """The zone in OCR-B, sized so that its lines span 92 % of the width."""
    d = ImageDraw.Draw(img)
    size = 40
    while size > 10 and mono(size).getlength(lines[0]) > 0.92 * img.width:
        size -= 1
    font = mono(size)
    for i, text in enumerate(lines):
        d.text((0.04 * img.width, y0 + i * size * 1.35), text, font=font, fill=(20, 20, 25))


def passport(rng, fonts, verdict):
    img = texture((880, 625), (236, 228, 214), rng)
    d = ImageDraw.Draw(img)
    surname, given = pinyin_name(rng)
    number = "E" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    birth = dt.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
    until = end_date(verdict, rng)
    sex = rng.choice("MF")
    d.text((300, 30), "中华人民共和国  护照", font=fonts["cjk"](30), fill=(30, 30, 40))
    d.text((300, 80), "PEOPLE'S REPUBLIC OF CHINA  PASSPORT", font=fonts["cjk"](20), fill=(30, 30, 40))
    small = fonts["cjk"](24)
    for i, (k, v) in enumerate([("姓/Surname", surname), ("名/Given names", given), ("性别/Sex", sex),
                               ("出生日期/Date of birth", f"{birth:%d %b %Y}".upper()),
                               ("有效期至/Date of expiry", f"{until:%d %b %Y}".upper())]):
        d.text((300, 130 + i * 60), k, font=fonts["cjk"](16), fill=(90, 90, 110))
        d.text((300, 150 + i * 60), v, font=small, fill=(20, 20, 25))
    portrait(img, (40, 130, 260, 420))
    opt = "".join(rng.choice("ABCDEFGHJKLMNP") for _ in range(14))
    l1 = f"P<CHN{surname}<<{given}".ljust(44, "<")
    l2 = number + mrz_digit(number) + "CHN" + f"{birth:%y%m%d}" + mrz_digit(f"{birth:%y%m%d}") + sex
    l2 += f"{until:%y%m%d}" + mrz_digit(f"{until:%y%m%d}") + opt + mrz_digit(opt)
    l2 += mrz_digit(l2[0:10] + l2[13:20] + l2[21:43])
    mrz_block(img, [l1, l2], fonts["mono"], 500)
    return img, dict(side="front", verdict=verdict, validity=f"/{until}", mrz_number=number)


def travel_permit(rng, fonts, verdict):
    img = texture((856, 540), (232, 222, 236), rng)
    d = ImageDraw.Draw(img)
    surname, given = pinyin_name(rng)
    number = "H" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    birth = dt.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
    until = end_date(verdict, rng)
    start = add_years(until, -10)
    while start > TODAY:
        until = end_date(verdict, rng)
        start = add_years(until, -10)
    sex = rng.choice("MF")
    d.text((240, 25), "港澳居民来往内地通行证", font=fonts["cjk"](34), fill=(30, 30, 40))
    d.text((240, 90), "有效期限", font=fonts["cjk"](22), fill=(90, 90, 110))
    d.text((360, 86), f"{start:%Y.%m.%d}-{until:%Y.%m.%d}", font=fonts["cjk"](28), fill=(20, 20, 25))
    portrait(img, (30, 80, 210, 300))
    l2 = f"{birth:%y%m%d}" + mrz_digit(f"{birth:%y%m%d}") + sex + f"{until:%y%m%d}" + mrz_digit(f"{until:%y%m%d}")
    l2 = l2.ljust(29, "<")
    l1 = "CR" + "CHN" + number + mrz_digit(number) + "<" * 15
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 = l2 + mrz_digit(comp)
    l3 = f"{surname}<<{given}".ljust(30, "<")
    mrz_block(img, [l1, l2, l3], fonts["mono"], 340)
    return img, dict(side="front", verdict=verdict, validity=f"{start}/{until}", mrz_number=number)


def licence(rng, fonts, verdict):
    img = texture((1400, 990), (246, 242, 232), rng)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 20, 1380, 970), outline=(190, 60, 50), width=10)
    code = credit_code(rng)
    name = rng.choice(["杭州", "上海", "深圳", "成都", "北京"]) + "".join(rng.choice(GIVEN) for _ in range(2)) + rng.choice(["科技", "网络", "信息技术", "文化传媒"]) + "有限公司"
    d.text((560, 60), spaced("营业执照"), font=fonts["cjk"](72), fill=(190, 40, 40))
    d.text((80, 80), "统一社会信用代码", font=fonts["cjk"](26), fill=(20, 20, 25))
    d.text((80, 118), code, font=fonts["mono"](30), fill=(20, 20, 25))
    label, value = fonts["cjk"](28), fonts["cjk"](28)
    start = dt.date(rng.randint(2000, 2024), rng.randint(1, 12), rng.randint(1, 28))
    if verdict == "valid" and rng.random() < 0.4:
        term, validity = f"{start.year}年{start.month:02d}月{start.day:02d}日至长期", f"{start}/long_term"
    else:
        until = end_date(verdict, rng)
        term, validity = f"{start.year}年{start.month:02d}月{start.day:02d}日至{until.year}年{until.month:02d}月{until.day:02d}日", f"{start}/{until}"
    rows = [("名        称", name), ("类        型", "有限责任公司（自然人投资或控股）"), ("法定代表人", rng.choice(SURNAMES) + rng.choice(GIVEN)),
            ("注册资本", f"{rng.randint(10, 5000)}万元人民币"), ("成立日期", f"{start.year}年{start.month:02d}月{start.day:02d}日"),
            ("营业期限", term), ("住        所", rng.choice(CITIES)[2] + rng.choice(STREETS) + f"{rng.randint(1, 300)}号")]
    for i, (k, v) in enumerate(rows):
        d.text((120, 280 + i * 70), k, font=label, fill=(20, 20, 25))
        d.text((330, 280 + i * 70), v, font=value, fill=(20, 20, 25))
    d.ellipse((1050, 700, 1290, 940), outline=(210, 40, 40), width=8)
    return img, dict(side="front", verdict=verdict, validity=validity, credit_code=code, name=name)


def photograph(doc, rng, card_px):
    """The document laid on a surface and photographed."""
    scale = card_px / doc.width
    doc = doc.resize((card_px, int(doc.height * scale)), Image.LANCZOS)
    w, h = doc.size
    margin = int(0.12 * w)
    W, H = w + 2 * margin, h + 2 * margin
    surface = tuple(rng.randint(30, 140) for _ in range(3))
    canvas = Image.new("RGB", (W, H), surface)
    # Perspective: each corner moved by up to 4 % of the width.
    j = lambda: rng.uniform(-0.04, 0.04) * w
    quad = [(margin + j(), margin + j()), (margin + w + j(), margin + j()),
            (margin + w + j(), margin + h + j()), (margin + j(), margin + h + j())]
    coeffs = perspective_coeffs(quad, [(0, 0), (w, 0), (w, h), (0, h)])
    mask = Image.new("L", doc.size, 255)
    warped = doc.transform((W, H), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    wmask = mask.transform((W, H), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    canvas.paste(warped, (0, 0), wmask)
    arr = np.asarray(canvas).astype(np.float32)
    yy, xx = np.mgrid[0:H, 0:W]
    if rng.random() < 0.5:  # shadow: a dark gradient across part of the frame
        angle = rng.uniform(0, 2 * math.pi)
        t = (np.cos(angle) * xx + np.sin(angle) * yy) / max(W, H)
        arr *= (1 - rng.uniform(0.15, 0.35) * np.clip(t - rng.uniform(-0.2, 0.4), 0, 1))[..., None]
    if rng.random() < 0.4:  # glare: a soft bright spot
        cx, cy, r = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H, rng.uniform(0.05, 0.15) * W
        g = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)) * rng.uniform(60, 140)
        arr += g[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    blur = rng.choice([0, 0, 0.6, 1.0, 1.4])
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur * card_px / 1200))
    return img


def perspective_coeffs(dst, src):
    """PIL's perspective coefficients mapping output (dst) to input (src)."""
    a = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    b = [c for p in src for c in p]
    return np.linalg.solve(np.array(a), np.array(b)).tolist()


KINDS = [("id-card", id_front), ("id-card", id_back), ("passport", passport),
         ("hk-macao-permit", travel_permit), ("business-licence", licence)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--font", required=True)
    ap.add_argument("--mono", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=40, help="documents of each kind")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    np.random.seed(args.seed)
    fonts = {"cjk": lambda s: ImageFont.truetype(args.font, s), "mono": lambda s: ImageFont.truetype(args.mono, s)}
    os.makedirs(args.out, exist_ok=True)
    cols = ["file", "doc_type", "side", "today", "verdict", "validity", "id_number", "credit_code", "mrz_number", "name", "card_px"]
    with open(os.path.join(args.out, "labels.tsv"), "w", encoding="utf-8") as labels:
        labels.write("\t".join(cols) + "\n")
        for k, (doc_type, make) in enumerate(KINDS):
            for i in range(args.count):
                verdict = rng.choice(["valid", "valid", "expiring", "expired"])
                doc, label = make(rng, fonts, verdict)
                card_px = rng.randint(700, 999) if i % 5 == 4 else rng.randint(1000, 1800)
                if doc_type == "business-licence":
                    card_px = int(card_px * 1.6)
                img = photograph(doc, rng, card_px)
                name = f"{k}-{i:03d}-{doc_type}-{label['side']}.jpg"
                img.save(os.path.join(args.out, name), quality=rng.choice([70, 80, 90, 95]))
                row = dict(file=name, doc_type=doc_type, today=TODAY.isoformat(), card_px=card_px, **label)
                labels.write("\t".join(str(row.get(c, "")) for c in cols) + "\n")


if __name__ == "__main__":
    main()
