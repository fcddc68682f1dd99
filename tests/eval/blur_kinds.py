"""The blur and sensor noise both corpus scripts apply: motion blur along a
line at any angle, defocus (a disc, as a lens out of focus spreads a point),
then the photo taken to a phone's resolution with the sensor's noise.

Blur is applied at the composed size by FFT convolution with an
anti-aliased kernel; enlarging afterwards keeps it (a blurred picture holds
no detail for the enlargement to lose), and the noise is added at the final
size, as a sensor adds it, so reducing the photo again does not remove it.
"""

import numpy as np
from PIL import Image

SUPERSAMPLE = 8


def motion_kernel(length, angle_deg):
    """A line of `length` pixels at `angle_deg`, summing to 1."""
    r = int(np.ceil(length / 2)) + 1
    k = np.zeros((2 * r + 1, 2 * r + 1))
    a = np.radians(angle_deg)
    n = max(2, int(length * SUPERSAMPLE))
    for t in np.linspace(-length / 2, length / 2, n):
        x, y = r + t * np.cos(a), r + t * np.sin(a)
        x0, y0 = int(np.floor(x)), int(np.floor(y))
        fx, fy = x - x0, y - y0
        for dx, dy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
            k[y0 + dy, x0 + dx] += wgt
    return k / k.sum()


def disc_kernel(radius):
    """A disc of `radius` pixels with anti-aliased rim, summing to 1."""
    r = int(np.ceil(radius)) + 1
    s = SUPERSAMPLE
    yy, xx = np.mgrid[-r * s:(r + 1) * s, -r * s:(r + 1) * s]
    inside = ((xx + 0.5 - s / 2) ** 2 + (yy + 0.5 - s / 2) ** 2) <= (radius * s) ** 2
    k = inside.reshape(2 * r + 1, s, 2 * r + 1, s).sum(axis=(1, 3)).astype(np.float64)
    return k / k.sum()


def convolve(arr, kernel):
    """`arr` (H × W × 3, float) convolved with `kernel`, edges repeated."""
    r = kernel.shape[0] // 2
    padded = np.pad(arr, ((r, r), (r, r), (0, 0)), mode="edge")
    h, w = padded.shape[:2]
    kf = np.fft.rfft2(kernel, s=(h, w))
    out = np.empty_like(padded)
    for c in range(padded.shape[2]):
        out[..., c] = np.fft.irfft2(np.fft.rfft2(padded[..., c]) * kf, s=(h, w))
    # The kernel's centre sits at (r, r): shift back by it.
    return out[2 * r:, 2 * r:][: arr.shape[0], : arr.shape[1]]


def motion(arr, length, angle_deg):
    """`arr` smeared along `length` pixels at `angle_deg`."""
    return convolve(arr, motion_kernel(length, angle_deg))


def defocus(arr, radius):
    """`arr` out of focus by a disc of `radius` pixels."""
    return convolve(arr, disc_kernel(radius))


def apply(arr, kind, amount, rng):
    """`arr` blurred by `kind` ("motion" or "defocus") of `amount` pixels
    (length or radius); the motion's angle drawn from `rng`."""
    if kind == "motion":
        return motion(arr, amount, rng.uniform(0, 180))
    return defocus(arr, amount)


def as_taken(arr, size, noise, rng):
    """`arr` taken to `size` (W, H) with sensor noise of `noise` grey levels
    (luminance, plus a third of it per colour channel); 8-bit RGB."""
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if img.size != tuple(size):
        img = img.resize(size, Image.BICUBIC)
    out = np.asarray(img).astype(np.float32)
    if noise > 0:
        gen = np.random.default_rng(rng.randint(0, 1 << 30))
        h, w = out.shape[:2]
        out += gen.normal(0, noise, (h, w, 1)).astype(np.float32)
        out += gen.normal(0, noise / 3, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
