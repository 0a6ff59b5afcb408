#ifndef CIMAGEIO_H
#define CIMAGEIO_H
// PNG and JPEG decoding and encoding, with libpng's and libjpeg's longjmp-based error
// handling kept on the C side: Swift sees plain return codes and messages.
//
// Every function works on memory buffers (the caller reads and writes the files) and returns
// 0 on success or -1 on failure, with a one-line reason in `error` (NUL-terminated, at most
// `error_size` bytes). Buffers handed out are released with `cimageio_free`.

#include <stddef.h>
#include <stdint.h>

/// A decoded image: `samples[(y * width + x) * channels + c]`, each in [0, max_value].
/// `channels`: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. `bit_depth`: 8 or 16 (palette and
/// low-bit-depth images are expanded to 8 bits; 16-bit precision is kept).
typedef struct {
    int width;
    int height;
    int channels;
    int bit_depth;
    uint16_t *samples;
} cimageio_image;

/// True when `data` starts with the PNG signature / the JPEG SOI marker.
int cimageio_is_png(const uint8_t *data, size_t size);
int cimageio_is_jpeg(const uint8_t *data, size_t size);

/// Decodes a PNG held in memory. On success `image->samples` must be freed with cimageio_free.
int cimageio_decode_png(const uint8_t *data, size_t size, cimageio_image *image,
                        char *error, size_t error_size);

/// Decodes a baseline or progressive JPEG (gray or YCbCr; CMYK is refused) to 8-bit gray or RGB.
int cimageio_decode_jpeg(const uint8_t *data, size_t size, cimageio_image *image,
                         char *error, size_t error_size);

/// Encodes 8-bit pixels (`channels` 1 = gray, 3 = RGB, interleaved, rows top to bottom) as a
/// PNG. `dots_per_inch` > 0 adds a pHYs chunk (pixels per metre = round(dpi / 0.0254)).
/// On success `*out` (length `*out_size`) must be freed with cimageio_free.
int cimageio_encode_png(const uint8_t *pixels, int width, int height, int channels,
                        double dots_per_inch, uint8_t **out, size_t *out_size,
                        char *error, size_t error_size);

/// Encodes 8-bit pixels (`channels` 1 = gray, 3 = RGB, interleaved, rows top to bottom) as a
/// baseline JPEG at `quality` (1–100, libjpeg's scale), RGB without chroma subsampling (4:4:4),
/// with optimised Huffman tables. The same pixels and quality give the same bytes.
/// On success `*out` (length `*out_size`) must be freed with cimageio_free.
int cimageio_encode_jpeg(const uint8_t *pixels, int width, int height, int channels, int quality,
                         uint8_t **out, size_t *out_size, char *error, size_t error_size);

void cimageio_free(void *pointer);

#endif
