"""PyTorch side of `eus-report bench`: the same measurement with torchvision's ResNet.

Train = forward + backward + SGD step (lr 0.01, momentum 0.9, weight decay 1e-4) in train mode;
infer = eval-mode forward under no_grad. Each is timed over STEPS steps after one warm-up step,
on random images with 2 classes and torch.set_num_threads(THREADS). Prints one JSON line with
the fields of `eus-report bench`; gflops_* use the same FLOP count (2 per multiply-add of the
convolutions and fc, 3x forward for training).

Usage: python bench_torch.py --arch resnet34 [--image-size 224] [--width 64] [--batch-size 16] [--steps 3] [--threads 2]
"""
import argparse, json, resource, time
import torch, torch.nn as nn, torchvision

p = argparse.ArgumentParser()
p.add_argument("--arch", default="resnet34")
p.add_argument("--image-size", type=int, default=224)
p.add_argument("--batch-size", type=int, default=16)
p.add_argument("--steps", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--width", type=int, default=64, help="base width; 64 is torchvision's, the demo trains 32")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
if a.width == 64:
    model = getattr(torchvision.models, a.arch)(num_classes=2)
else:
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from learning_baseline_torch import scaled_resnet
    model = scaled_resnet(a.arch, a.width)
x = torch.randn(a.batch_size, 3, a.image_size, a.image_size)
y = torch.arange(a.batch_size) % 2
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)

flops = 0
def count(mod, inp, out):
    global flops
    if isinstance(mod, nn.Conv2d):
        flops += 2 * out.shape[1] * out.shape[2] * out.shape[3] * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1] // mod.groups
    elif isinstance(mod, nn.Linear):
        flops += 2 * mod.in_features * mod.out_features
hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
model.eval()
with torch.no_grad():
    model(torch.randn(1, 3, a.image_size, a.image_size))
for h in hooks:
    h.remove()

def train_step():
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()

model.train()
train_step()
t = time.perf_counter()
for _ in range(a.steps):
    train_step()
train = time.perf_counter() - t

model.eval()
with torch.no_grad():
    model(x)
    t = time.perf_counter()
    for _ in range(a.steps):
        model(x)
    infer = time.perf_counter() - t

images = a.steps * a.batch_size
print(json.dumps({
    "arch": a.arch, "image_size": a.image_size, "width": a.width, "batch_size": a.batch_size, "threads": a.threads,
    "train_img_s": round(images / train, 3), "infer_img_s": round(images / infer, 3),
    "gflops_train": round(3 * flops * images / train / 1e9, 3), "gflops_infer": round(flops * images / infer / 1e9, 3),
    "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 3)}))
