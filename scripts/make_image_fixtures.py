"""Tiny PNG and JPEG fixtures for Tests/EUSDataTests (decoding of every PNG kind).

PNGs are written by hand (IHDR, PLTE, tRNS, IDAT, IEND) so that each colour type and bit
depth is exactly what its name says. Pixel values follow formulas that the Swift tests
recompute: for pixel (x, y) of a W x H image and channel c,
    v8(x, y, c)  = (37 * x + 11 * y + 71 * c) % 256
    v16(x, y, c) = (9001 * x + 677 * y + 17000 * c) % 65536
The JPEGs (32 x 24, smooth(x, y, c) = 3x + 3y + 40c; gray uses c = 0) are made from PNGs
with ImageMagick (`convert`, quality 95).
Usage: python3 make_image_fixtures.py OUTDIR"""
import struct, subprocess, sys, zlib

W, H = 5, 4
out = sys.argv[1]

def v8(x, y, c): return (37 * x + 11 * y + 71 * c) % 256
def v16(x, y, c): return (9001 * x + 677 * y + 17000 * c) % 65536

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(name, color_type, depth, rows, extra=b""):
    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", W, H, depth, color_type, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(f"{out}/{name}.png", "wb").write(data)

def rows8(channels):
    return [bytes(v8(x, y, c) for x in range(W) for c in range(channels)) for y in range(H)]

def rows16(channels):
    return [b"".join(struct.pack(">H", v16(x, y, c)) for x in range(W) for c in range(channels)) for y in range(H)]

png("gray8", 0, 8, rows8(1))
png("gray_alpha8", 4, 8, rows8(2))
png("rgb8", 2, 8, rows8(3))
png("rgba8", 6, 8, rows8(4))
png("gray16", 0, 16, rows16(1))
png("gray_alpha16", 4, 16, rows16(2))
png("rgb16", 2, 16, rows16(3))
png("rgba16", 6, 16, rows16(4))
# 1-bit gray: pixel = (x + y) % 2, expanded by libpng to 0 / 255.
png("gray1", 0, 1, [bytes([sum((((x + y) % 2) << (7 - x)) for x in range(W))]) for y in range(H)])
# Palette of 8 colours (i -> (30i, 255 - 30i, 7i)), index (x + 2y) % 8; tRNS makes index 0 transparent.
palette = b"".join(bytes([30 * i, 255 - 30 * i, 7 * i]) for i in range(8))
png("palette8", 3, 8, [bytes((x + 2 * y) % 8 for x in range(W)) for y in range(H)],
    chunk(b"PLTE", palette) + chunk(b"tRNS", b"\x00"))

# A smooth 32x24 image for the JPEGs (JPEG is lossy: tests allow a few levels).
JW, JH = 32, 24
def smooth(x, y, c): return 3 * x + 3 * y + 40 * c
rgb = [bytes(smooth(x, y, c) for x in range(JW) for c in range(3)) for y in range(JH)]
def png_sized(path, w, h, color_type, rows):
    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png_sized("/tmp/jpeg_source_rgb.png", JW, JH, 2, rgb)
png_sized("/tmp/jpeg_source_gray.png", JW, JH, 0, [bytes(smooth(x, y, 0) for x in range(JW)) for y in range(JH)])
subprocess.run(["convert", "/tmp/jpeg_source_rgb.png", "-quality", "95", "-sampling-factor", "1x1", f"{out}/rgb.jpg"], check=True)
subprocess.run(["convert", "/tmp/jpeg_source_gray.png", "-quality", "95", "-colorspace", "Gray", f"{out}/gray.jpg"], check=True)


# Adam7-interlaced PNG and progressive JPEG of the same pixels (decoders must undo both).
subprocess.run(["convert", "/tmp/jpeg_source_rgb.png", "-interlace", "PNG", "-define", "png:exclude-chunks=date,time", f"{out}/interlaced.png"], check=True)
subprocess.run(["convert", "/tmp/jpeg_source_rgb.png", "-quality", "95", "-sampling-factor", "1x1",
                "-interlace", "JPEG", f"{out}/progressive.jpg"], check=True)
print("written to", out)
# CMYK JPEG: refused with a clear message.
subprocess.run(["convert", "/tmp/jpeg_source_rgb.png", "-colorspace", "CMYK", "-quality", "90", f"{out}/cmyk.jpg"], check=True)
print("cmyk written")
