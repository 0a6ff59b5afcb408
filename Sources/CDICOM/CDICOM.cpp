// DCMTK behind CDICOM.h. Reads from memory (DcmInputBufferStream), checks the transfer
// syntax, the photometric interpretation and the pixel layout before decoding, and
// decompresses JPEG baseline with dcmjpeg (YCbCr converted to RGB by the codec, as libjpeg
// does for Pillow). Uncompressed YBR_FULL and YBR_FULL_422 are converted to RGB with the
// formula pydicom uses (DICOM PS3.3 C.7.6.3.1.2): float32, then floor(x + 0.5), clipped.

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/oflog/oflog.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "CDICOM.h"

namespace {

void fail(char *error, size_t size, const std::string &message) {
    if (error && size > 0) std::snprintf(error, size, "%s", message.c_str());
}

std::once_flag setup_once;

void setup() {
    std::call_once(setup_once, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        // Colour conversion by the codec when the photometric interpretation is YBR_*.
        DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation);
    });
}

std::string text(DcmItem *item, const DcmTagKey &key) {
    OFString value;
    if (item->findAndGetOFString(key, value).good()) return std::string(value.c_str());
    return "";
}

long integer(DcmItem *item, const DcmTagKey &key, long fallback) {
    Uint16 value16 = 0;
    if (item->findAndGetUint16(key, value16).good()) return value16;
    OFString value;
    if (item->findAndGetOFString(key, value).good() && !value.empty()) return std::atol(value.c_str());
    return fallback;
}

void copy(char *target, size_t size, const std::string &value) {
    std::snprintf(target, size, "%s", value.c_str());
}

uint8_t clip(float x) {
    float r = std::floor(x + 0.5f);
    return r < 0 ? 0 : r > 255 ? 255 : (uint8_t)r;
}

void ybr_to_rgb(uint8_t *p, size_t pixels) {
    const float g_cb = (float)(-0.114 * 1.772 / 0.587), g_cr = (float)(-0.299 * 1.402 / 0.587);
    const float r_cr = 1.402f, b_cb = 1.772f;
    for (size_t i = 0; i < pixels; i++) {
        float y = p[3 * i], cb = (float)p[3 * i + 1] - 128.0f, cr = (float)p[3 * i + 2] - 128.0f;
        p[3 * i] = clip(y + r_cr * cr);
        p[3 * i + 1] = clip(y + g_cb * cb + g_cr * cr);
        p[3 * i + 2] = clip(y + b_cb * cb);
    }
}

}  // namespace

extern "C" int cdicom_is_dicom(const uint8_t *data, size_t size) {
    return size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0;
}

extern "C" void cdicom_free(uint8_t *pixels) { std::free(pixels); }

extern "C" int cdicom_decode(const uint8_t *data, size_t size, int frame, cdicom_frame *out,
                             char *error, size_t error_size) {
    setup();
    std::memset(out, 0, sizeof(*out));
    DcmInputBufferStream stream;
    stream.setBuffer(data, (offile_off_t)size);
    stream.setEos();
    DcmFileFormat file;
    file.transferInit();
    OFCondition status = file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file.transferEnd();
    if (status.bad()) {
        fail(error, error_size, std::string("not a readable DICOM file, truncated or corrupt (") + status.text() + ")");
        return -1;
    }
    DcmDataset *dataset = file.getDataset();
    const E_TransferSyntax xfer = dataset->getOriginalXfer();
    DcmXfer syntax(xfer);
    copy(out->transfer_syntax, sizeof(out->transfer_syntax), syntax.getXferID());
    copy(out->transfer_syntax_name, sizeof(out->transfer_syntax_name), syntax.getXferName());
    const std::string photometric = text(dataset, DCM_PhotometricInterpretation);
    copy(out->photometric, sizeof(out->photometric), photometric);
    copy(out->modality, sizeof(out->modality), text(dataset, DCM_Modality));
    const std::string burned = text(dataset, DCM_BurnedInAnnotation);
    out->burned_in = burned.empty() ? -1 : burned == "YES" ? 1 : 0;
    const std::string sop = text(file.getMetaInfo(), DCM_MediaStorageSOPClassUID);
    const std::string sop_class = sop.empty() ? text(dataset, DCM_SOPClassUID) : sop;
    out->secondary_capture = sop_class.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0;

    const std::string syntax_text = std::string("transfer syntax ") + syntax.getXferID() + " (" + syntax.getXferName() + ")";
    const bool uncompressed = xfer == EXS_LittleEndianImplicit || xfer == EXS_LittleEndianExplicit || xfer == EXS_BigEndianExplicit;
    if (!uncompressed && xfer != EXS_JPEGProcess1) {
        fail(error, error_size, syntax_text + " is not supported; EUSReport reads uncompressed and JPEG baseline (1.2.840.10008.1.2.4.50) DICOM");
        return -1;
    }
    if (!dataset->tagExists(DCM_PixelData)) {
        fail(error, error_size, "no pixel data (not an image object)");
        return -1;
    }
    if (photometric != "MONOCHROME2" && photometric != "RGB" && photometric != "YBR_FULL" && photometric != "YBR_FULL_422") {
        fail(error, error_size, "photometric interpretation '" + photometric + "' is not supported; EUSReport reads MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422");
        return -1;
    }
    const long rows = integer(dataset, DCM_Rows, 0), columns = integer(dataset, DCM_Columns, 0);
    const long frames = integer(dataset, DCM_NumberOfFrames, 1);
    const long samples = integer(dataset, DCM_SamplesPerPixel, 1), bits = integer(dataset, DCM_BitsAllocated, 0);
    if (rows <= 0 || columns <= 0 || frames <= 0) {
        fail(error, error_size, "Rows, Columns or NumberOfFrames missing or zero");
        return -1;
    }
    if (bits != 8) {
        fail(error, error_size, "BitsAllocated is " + std::to_string(bits) + "; EUSReport reads 8-bit DICOM images");
        return -1;
    }
    if ((photometric == "MONOCHROME2") != (samples == 1) || (samples != 1 && samples != 3)) {
        fail(error, error_size, "SamplesPerPixel " + std::to_string(samples) + " does not fit photometric interpretation " + photometric);
        return -1;
    }
    const long index = frame < 0 ? (frames - 1) / 2 : frame;
    if (index >= frames) {
        fail(error, error_size, "frame " + std::to_string(index + 1) + " asked for, the object has " + std::to_string(frames));
        return -1;
    }
    out->width = (int)columns;
    out->height = (int)rows;
    out->frames = (int)frames;
    out->channels = (int)samples;

    if (!uncompressed) {
        status = dataset->chooseRepresentation(EXS_LittleEndianExplicit, NULL);
        if (status.bad() || !dataset->canWriteXfer(EXS_LittleEndianExplicit)) {
            fail(error, error_size, syntax_text + ": the JPEG data cannot be decoded (" + status.text() + ")");
            return -1;
        }
    }
    // After JPEG decoding the codec has written RGB; uncompressed data are as stored.
    const std::string stored = text(dataset, DCM_PhotometricInterpretation);
    const long planar = integer(dataset, DCM_PlanarConfiguration, 0);
    const Uint8 *pixel_data = NULL;
    unsigned long count = 0;
    if (dataset->findAndGetUint8Array(DCM_PixelData, pixel_data, &count).bad() || pixel_data == NULL) {
        fail(error, error_size, "no pixel data (not an image object)");
        return -1;
    }
    const size_t pixels = (size_t)rows * (size_t)columns;
    const bool subsampled = stored == "YBR_FULL_422";
    const size_t frame_bytes = subsampled ? pixels * 2 : pixels * (size_t)samples;
    if ((size_t)count < frame_bytes * (size_t)frames) {
        fail(error, error_size, "pixel data truncated: " + std::to_string(count) + " bytes for " + std::to_string(frames) +
                                    " frame(s) of " + std::to_string(frame_bytes));
        return -1;
    }
    const Uint8 *source = pixel_data + frame_bytes * (size_t)index;
    uint8_t *result = (uint8_t *)std::malloc(pixels * (size_t)samples);
    if (!result) {
        fail(error, error_size, "out of memory");
        return -1;
    }
    if (samples == 1) {
        std::memcpy(result, source, pixels);
    } else if (subsampled) {
        // Uncompressed 4:2:2: Y0 Y1 Cb Cr for each pair of pixels along a row.
        for (size_t i = 0; i < pixels; i += 2) {
            const Uint8 *q = source + 2 * i;
            for (size_t k = 0; k < 2 && i + k < pixels; k++) {
                result[3 * (i + k)] = q[k];
                result[3 * (i + k) + 1] = q[2];
                result[3 * (i + k) + 2] = q[3];
            }
        }
    } else if (planar == 1) {
        for (size_t i = 0; i < pixels; i++)
            for (int c = 0; c < 3; c++) result[3 * i + c] = source[(size_t)c * pixels + i];
    } else {
        std::memcpy(result, source, pixels * 3);
    }
    if (stored == "YBR_FULL" || stored == "YBR_FULL_422") ybr_to_rgb(result, pixels);
    out->pixels = result;
    return 0;
}
