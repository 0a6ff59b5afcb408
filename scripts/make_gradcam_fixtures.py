"""Reference values for EUSGradCAM's and EUSRender's tests that need no network: OpenCV's resize and
colormaps, pytorch-grad-cam's channel weights, scaling and overlay, and NumPy's .npy bytes.

Usage: python make_gradcam_fixtures.py OUTDIR [SEED]
Needs numpy, opencv-python-headless (5.0.0 was used), grad-cam 1.5.7 (pytorch_grad_cam) and torch.
Writes NumPy .npy files (float32, or uint8 where named) that the Swift tests read with NPYFile:
  resize_<case>_in.npy / resize_<case>_out.npy   cv2.resize(x, (W, H)) with INTER_LINEAR
  pipeline_acts.npy, pipeline_grads.npy           random (N,C,h,w) activations and gradients
  pipeline_<method>_weights.npy                   get_cam_weights of GradCAM / GradCAMPlusPlus, (N,C)
  pipeline_<method>_cam.npy                       the full post-processing at (H,W)=(24,20)
  overlay_image.npy (uint8 HxWx3), overlay_cam.npy, overlay_<colormap>_w<weight>.npy (uint8)
  show_cam_on_image(image/255, cam, use_rgb=True, colormap, image_weight)
  colormap_<name>.npy (uint8 256x3, RGB)           cv2.applyColorMap on 0...255
  npy_example.npy                                  np.save of a (3,5) float32 array, for byte parity
"""
import sys, os
import numpy as np, cv2, torch
from pytorch_grad_cam import GradCAM, GradCAMPlusPlus
from pytorch_grad_cam.utils.image import scale_cam_image, show_cam_on_image

out = sys.argv[1]
rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
os.makedirs(out, exist_ok=True)
save = lambda name, a: np.save(os.path.join(out, name + ".npy"), a)

# cv2.resize INTER_LINEAR on float32: upscale, mixed, downscale, 2x (the INTER_AREA fast path), identity
for name, (h, w), (H, W) in [("up4to128", (4, 4), (128, 128)), ("odd", (5, 7), (17, 23)),
                             ("mixed", (40, 30), (25, 70)), ("half", (16, 16), (8, 8)),
                             ("same", (6, 6), (6, 6))]:
    x = rng.random((h, w), dtype=np.float32) * 3 - 1
    save(f"resize_{name}_in", x)
    save(f"resize_{name}_out", cv2.resize(x, (W, H)).astype(np.float32))

# Grad-CAM / Grad-CAM++ weights and the whole post-processing from given activations and gradients
acts = np.maximum(rng.normal(size=(2, 6, 3, 4)), 0).astype(np.float32)  # post-ReLU, as a ResNet block's output
grads = (rng.normal(size=(2, 6, 3, 4)) * 0.1).astype(np.float32)
grads[0, 1] = 0  # a channel with zero gradient: Grad-CAM++'s alpha is zero there
grads[1, 2, 0, 0] = 0
save("pipeline_acts", acts)
save("pipeline_grads", grads)
for name, cls in [("gradcam", GradCAM), ("gradcampp", GradCAMPlusPlus)]:
    weights = cls.get_cam_weights(None, None, None, None, acts, grads).astype(np.float32)
    cam = (weights[:, :, None, None] * acts).sum(axis=1)
    cam = np.maximum(cam, 0)
    cam = scale_cam_image(cam, (20, 24))           # target_size is (width, height)
    cam = scale_cam_image(np.maximum(cam, 0))      # aggregate_multi_layers over one layer
    save(f"pipeline_{name}_weights", weights)
    save(f"pipeline_{name}_cam", cam.astype(np.float32))

# show_cam_on_image with RGB input, two weights, two colormaps; a non-square image
H, W = 18, 26
image = rng.integers(0, 256, size=(H, W, 3), dtype=np.uint8)
yy, xx = np.mgrid[0:H, 0:W]
cam = np.exp(-((xx - 17.0) ** 2 + (yy - 6.0) ** 2) / 40.0).astype(np.float32)
cam = (cam - cam.min()) / (cam.max() - cam.min())
save("overlay_image", image)
save("overlay_cam", cam.astype(np.float32))
img01 = np.float32(image) / 255
for cname, cmap in [("jet", cv2.COLORMAP_JET), ("turbo", cv2.COLORMAP_TURBO)]:
    for weight in [0.5, 0.3]:
        o = show_cam_on_image(img01, cam, use_rgb=True, colormap=cmap, image_weight=weight)
        save(f"overlay_{cname}_w{int(weight * 10)}", o)
    lut = cv2.applyColorMap(np.arange(256, dtype=np.uint8).reshape(256, 1), cmap)[:, 0, ::-1]
    save(f"colormap_{cname}", np.ascontiguousarray(lut))

save("npy_example", (np.arange(15, dtype=np.float32).reshape(3, 5) - 7) / 4)
print("opencv", cv2.__version__, "numpy", np.__version__, "torch", torch.__version__)
