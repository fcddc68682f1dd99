// Drawn camera scenes shared by the binding tests and the Android library's
// JVM tests (compiled with both).
package cn.icpfiling.companion.testing

import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO

/**
 * Whether the 10 px cell [cell] of print line [row] is a gap between words:
 * one in four, where a hash puts them (cli/src/scenes.rs's `word_gap`), as
 * on a real page; evenly spaced dashes would be a lattice, which only a
 * screen is.
 */
private fun wordGap(cell: Int, row: Int): Boolean {
    val h = (cell.toLong() * 73_856_093L) xor (row.toLong() * 19_349_663L)
    return (h * -7046029254386353131L) ushr 62 == 0L
}

/**
 * A w×h photo of an A4 sheet (blue header, lines of print) on a wooden
 * table, its top-left corner at (x, y); with sensor noise unless seed is 0.
 */
fun documentScene(w: Int, h: Int, x: Int, y: Int, sheetW: Int, noiseSeed: Int = 0): BufferedImage {
    val sheetH = sheetW * 210 / 297
    val line = maxOf(sheetW / 120, 1)
    val random = java.util.Random(noiseSeed.toLong())
    val pixels = IntArray(w * h)
    for (py in 0 until h) for (px in 0 until w) {
        val (dx, dy) = (px - x) to (py - y)
        var rgb = when {
            dx < 0 || dy < 0 || dx >= sheetW || dy >= sheetH -> {
                val grain = (px / 7 + py / 3) % 11
                ((88 + grain) shl 16) or ((58 + grain / 2) shl 8) or 36
            }
            dy < sheetH / 9 -> 0x1E6EC8
            (dy / line) % 4 == 0 && dx > sheetW / 15 && dx < sheetW * 2 / 3 && !wordGap(dx / 10, dy / line) -> 0x232328
            else -> 0xECE8DE
        }
        if (noiseSeed != 0) {
            var noisy = 0
            for (shift in intArrayOf(16, 8, 0)) {
                val c = ((rgb shr shift) and 0xFF) + random.nextInt(9) - 4
                noisy = noisy or (c.coerceIn(0, 255) shl shift)
            }
            rgb = noisy
        }
        pixels[py * w + px] = rgb
    }
    return BufferedImage(w, h, BufferedImage.TYPE_INT_RGB).apply { setRGB(0, 0, w, h, pixels, 0, w) }
}

/**
 * Writes the document sequence the capture tests replay into [dir]: the
 * sheet cut off at the edge, moved twice, then held steady (sensor noise
 * only) for four frames, 2000×1500 PNGs in name order.
 */
fun writeDocumentSequence(dir: File) {
    val scenes = listOf(Triple(900, 150, 1700), Triple(60, 100, 1700), Triple(250, 200, 1650)) +
        List(4) { Triple(200, 150, 1700) }
    scenes.forEachIndexed { i, (x, y, width) ->
        val scene = documentScene(2000, 1500, x, y, width, noiseSeed = if (i >= 3) i else 0)
        ImageIO.write(scene, "png", File(dir, "frame-%03d.png".format(i)))
    }
}
