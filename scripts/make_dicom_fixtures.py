"""DICOM fixtures for the DCMTK reader (Tests/EUSImageTests/Fixtures/dicom/) and the
de-identification test (Tests/EUSCLITests/Fixtures/dicom-deid/).

Run with the reference venv: /tmp/refpy/bin/python scripts/make_dicom_fixtures.py
Made with the pydicom, Pillow and numpy versions written to VERSIONS.txt beside the fixtures.

Every object carries the same fake identity (PHANTOM^NOTAPATIENT, ID EUSFAKE0042, born
19010203, NOWHERE CLINIC), which must never reach an output. For each readable object,
<name>.expected.png (or <name>.frame<k>.expected.png) holds the pixels that pydicom, with
Pillow for JPEG, decodes: pydicom's raw array converted to RGB with
pydicom.pixels.convert_color_space for uncompressed YBR; each JPEG frame decoded by
Pillow (Image.open(...).convert('RGB' or 'L')) from pydicom.encaps.generate_frames.
"""
import io, os, sys
import numpy as np
import pydicom, PIL
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import convert_color_space, pixel_array
from pydicom.uid import (ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEGBaseline8Bit,
                         JPEG2000Lossless, generate_uid)

root = os.path.dirname(os.path.abspath(__file__)) + "/.."
out = f"{root}/Tests/EUSImageTests/Fixtures/dicom"
deid = f"{root}/Tests/EUSCLITests/Fixtures/dicom-deid"
os.makedirs(out, exist_ok=True)
US = "1.2.840.10008.5.1.4.1.1.6.1"          # Ultrasound Image Storage
US_MULTI = "1.2.840.10008.5.1.4.1.1.3.1"    # Ultrasound Multi-frame Image Storage
SC = "1.2.840.10008.5.1.4.1.1.7"            # Secondary Capture Image Storage
FAKE = {"PatientName": "PHANTOM^NOTAPATIENT", "PatientID": "EUSFAKE0042", "PatientBirthDate": "19010203",
        "InstitutionName": "NOWHERE CLINIC", "StudyDate": "19020304", "ReferringPhysicianName": "NOBODY^REFERRER"}
rng = np.random.default_rng(18)
H, W = 40, 48


def scan(h=H, w=W, colour=False, seed=0):
    """A disc of speckle on black with a brighter blob: a tiny stand-in for an EUS frame."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    d = np.hypot(y - h / 2, x - w / 2)
    img = np.where(d < min(h, w) * 0.45, 60 + r.integers(0, 120, (h, w)), 0)
    img = np.where(np.hypot(y - h * 0.4, x - w * 0.6) < 6, 200, img).astype(np.uint8)
    if not colour:
        return img
    return np.stack([img, (img * 0.8 + 20 * (x % 3)).astype(np.uint8), (255 - img) // 2], axis=-1).astype(np.uint8)


def base(sop, photometric, rows, cols, samples, syntax, frames=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop, meta.MediaStorageSOPInstanceUID
    ds.Modality = "US" if sop != SC else "OT"
    for key, value in FAKE.items():
        setattr(ds, key, value)
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, samples
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    if samples == 3:
        ds.PlanarConfiguration = 0
    if frames is not None:
        ds.NumberOfFrames = frames
    return ds


def save(ds, path):
    ds.save_as(path, enforce_file_format=True)


def png(array, path):
    Image.fromarray(array).save(path)


def uncompressed(name, array, photometric, syntax=ExplicitVRLittleEndian, planar=0, sop=US, frames=None, burned_in=None):
    frames_count = None if frames is None else len(frames)
    samples = 1 if photometric == "MONOCHROME2" else 3
    rows, cols = (array if frames is None else frames[0]).shape[:2]
    ds = base(sop if frames is None else US_MULTI, photometric, rows, cols, samples, syntax, frames_count)
    stack = [array] if frames is None else frames
    if burned_in:
        ds.BurnedInAnnotation = burned_in
    data = b""
    for a in stack:
        if photometric == "YBR_FULL":
            a = convert_color_space(a, "RGB", "YBR_FULL")
        if photometric == "YBR_FULL_422":
            ybr = convert_color_space(a, "RGB", "YBR_FULL").reshape(-1, 3)
            pairs = ybr.reshape(-1, 2, 3)   # Y0 Y1 Cb Cr from each pair: Cb, Cr of the first
            a = np.stack([pairs[:, 0, 0], pairs[:, 1, 0], pairs[:, 0, 1], pairs[:, 0, 2]], axis=-1)
        if samples == 3 and planar == 1:
            ds.PlanarConfiguration = 1
            a = np.ascontiguousarray(np.moveaxis(a, -1, 0))
        data += a.tobytes()
    ds.PixelData = data
    save(ds, f"{out}/{name}.dcm")
    # The reference: pydicom's raw array, YBR converted as pydicom converts it.
    ref = pydicom.dcmread(f"{out}/{name}.dcm")
    arr = pixel_array(ref, raw=True)
    if photometric.startswith("YBR"):
        arr = convert_color_space(arr, "YBR_FULL", "RGB")
    arrays = [arr] if frames is None else list(arr)
    for k, a in enumerate(arrays):
        png(a, f"{out}/{name}.expected.png" if frames is None else f"{out}/{name}.frame{k + 1}.expected.png")


def jpeg_frame(array, subsampling):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=90, subsampling=subsampling)
    return buffer.getvalue()


def jpeg(name, arrays, photometric, subsampling, sop=US):
    samples = 1 if photometric == "MONOCHROME2" else 3
    rows, cols = arrays[0].shape[:2]
    ds = base(sop if len(arrays) == 1 else US_MULTI, photometric, rows, cols, samples, JPEGBaseline8Bit,
              None if len(arrays) == 1 else len(arrays))
    ds.PixelData = encapsulate([jpeg_frame(a, subsampling) for a in arrays])
    ds["PixelData"].VR = "OB"
    ds.LossyImageCompression = "01"
    save(ds, f"{out}/{name}.dcm")
    ref = pydicom.dcmread(f"{out}/{name}.dcm")
    decoded = [np.asarray(Image.open(io.BytesIO(f)).convert("L" if samples == 1 else "RGB"))
               for f in generate_frames(ref.PixelData, number_of_frames=len(arrays))]
    for k, a in enumerate(decoded):
        png(a, f"{out}/{name}.expected.png" if len(arrays) == 1 else f"{out}/{name}.frame{k + 1}.expected.png")


gray, rgb = scan(), scan(colour=True, seed=1)
uncompressed("mono_explicit", gray, "MONOCHROME2")
uncompressed("mono_implicit", scan(seed=2), "MONOCHROME2", syntax=ImplicitVRLittleEndian)
uncompressed("rgb_explicit", rgb, "RGB")
uncompressed("rgb_planar_implicit", scan(colour=True, seed=3), "RGB", syntax=ImplicitVRLittleEndian, planar=1)
uncompressed("ybr_full_explicit", scan(colour=True, seed=4), "YBR_FULL")
uncompressed("ybr_full_422_explicit", scan(colour=True, seed=5), "YBR_FULL_422")
uncompressed("multiframe_mono", None, "MONOCHROME2", frames=[scan(seed=10 + k) for k in range(3)])
uncompressed("screen_capture", scan(colour=True, seed=6), "RGB", sop=SC)   # BurnedInAnnotation absent
uncompressed("screen_capture_yes", scan(colour=True, seed=7), "RGB", sop=SC, burned_in="YES")
jpeg("jpeg_mono", [scan(seed=20)], "MONOCHROME2", 0)
jpeg("jpeg_ybr_full", [scan(colour=True, seed=21)], "YBR_FULL", 0)              # 4:4:4
jpeg("jpeg_ybr_full_422", [scan(colour=True, seed=22)], "YBR_FULL_422", 1)      # 4:2:2
jpeg("multiframe_jpeg_ybr_full_422", [scan(colour=True, seed=30 + k) for k in range(3)], "YBR_FULL_422", 1)

# Refused: JPEG 2000, no pixel data, PALETTE COLOR.
ds = base(US, "YBR_RCT", H, W, 3, JPEG2000Lossless)
ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + bytes(32)]); ds["PixelData"].VR = "OB"
save(ds, f"{out}/bad_jpeg2000.dcm")
ds = base(US, "MONOCHROME2", H, W, 1, ExplicitVRLittleEndian)
save(ds, f"{out}/bad_no_pixels.dcm")
ds = base(US, "PALETTE COLOR", H, W, 1, ExplicitVRLittleEndian)
ds.PixelData = gray.tobytes()
save(ds, f"{out}/bad_palette.dcm")

# The de-identification dataset: 4 GIST and 4 LM ultrasound objects, mixed syntaxes and
# photometric interpretations, one screen capture without BurnedInAnnotation, one without
# an extension.
for label, bright in [("GIST", True), ("LM", False)]:
    os.makedirs(f"{deid}/{label}", exist_ok=True)
    for k in range(4):
        img = scan(32, 32, colour=k % 2 == 1, seed=100 + k + (50 if bright else 0))
        if bright:
            img = np.clip(img.astype(int) + 50 * (img > 0), 0, 255).astype(np.uint8)
        samples = 3 if img.ndim == 3 else 1
        sop = SC if k == 3 else US
        ds = base(sop, "RGB" if samples == 3 else "MONOCHROME2", 32, 32, samples, ExplicitVRLittleEndian)
        if k == 2:
            ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
            ds.PixelData = encapsulate([jpeg_frame(img, 0)]); ds["PixelData"].VR = "OB"
            ds.PhotometricInterpretation = "YBR_FULL" if samples == 3 else "MONOCHROME2"
        else:
            ds.PixelData = img.tobytes()
        name = f"{label.lower()}{k}" + ("" if k == 1 else ".dcm")
        save(ds, f"{deid}/{label}/{name}")

with open(f"{out}/VERSIONS.txt", "w") as f:
    f.write(f"pydicom {pydicom.__version__}\nPillow {PIL.__version__}\nnumpy {np.__version__}\n")
print(open(f"{out}/VERSIONS.txt").read())
