"""Pillow (libjpeg-turbo) on the file the normalise benchmark gives it, in
process: decode, encode at JPEG quality QUALITY with 4:2:0 sampling (the
quality the core chose, so both write files of about the same size), and
both, each the median of RUNS. Prints one JSON object.

Usage: python pillow_normalise.py FILE RUNS QUALITY"""

import io
import json
import statistics
import sys
import time

from PIL import Image


def median_ms(work, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times)


def main():
    path, runs, quality = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = open(path, "rb").read()

    def decode():
        img = Image.open(io.BytesIO(data))
        img.load()
        return img

    decoded = decode().convert("RGB")
    out = io.BytesIO()

    def encode():
        out.seek(0)
        out.truncate()
        decoded.save(out, "JPEG", quality=quality, subsampling="4:2:0")

    def both():
        buffer = io.BytesIO()
        decode().convert("RGB").save(buffer, "JPEG", quality=quality, subsampling="4:2:0")

    result = {
        "decode_ms": median_ms(decode, runs),
        "encode_ms": median_ms(encode, runs),
        "total_ms": median_ms(both, runs),
    }
    encode()
    result["out_bytes"] = len(out.getvalue())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
