#ifndef CDICOM_H
#define CDICOM_H
// DICOM images through DCMTK (dcmdata, with dcmjpeg's JPEG baseline decoder), behind a plain
// C API: DCMTK is C++, and Swift sees return codes, a struct and one-line messages.
//
// Functions return 0 on success or -1 with a one-line reason in `error` (NUL-terminated, at
// most `error_size` bytes) that names the transfer syntax or photometric interpretation at
// fault. Pixels handed out are released with `cdicom_free`.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One decoded frame, 8-bit: `pixels[(y * width + x) * channels + c]`, `channels` 1
/// (MONOCHROME2) or 3 (RGB; YBR_FULL and YBR_FULL_422 are converted to RGB).
///
/// Only these attributes leave the shim (docs/formats.md, "DICOM"): no patient, study or
/// device attribute is read at all.
typedef struct {
    int width;           // Columns
    int height;          // Rows
    int frames;          // NumberOfFrames (1 when absent)
    int channels;
    int burned_in;       // BurnedInAnnotation: 1 YES, 0 NO, -1 absent
    int secondary_capture; // SOPClassUID is a Secondary Capture class
    char modality[17];
    char photometric[33];          // as stored, before any conversion
    char transfer_syntax[65];      // the UID
    char transfer_syntax_name[96]; // DCMTK's name for it
    uint8_t *pixels;
} cdicom_frame;

/// True when `data` has the DICOM preamble: 128 bytes, then "DICM".
int cdicom_is_dicom(const uint8_t *data, size_t size);

/// Decodes frame `frame` (0-based; -1 is the middle frame, (frames - 1) / 2) of a DICOM file
/// held in memory. `frame` beyond the last is an error naming the frame count.
int cdicom_decode(const uint8_t *data, size_t size, int frame, cdicom_frame *out,
                  char *error, size_t error_size);

void cdicom_free(uint8_t *pixels);

#ifdef __cplusplus
}
#endif

#endif
