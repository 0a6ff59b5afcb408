"""PyTorch side of `eus-report bench`: the same measurement with torchvision's ResNet.

Train = forward + backward + SGD step (lr 0.01, momentum 0.9, weight decay 1e-4) in train mode;
infer = eval-mode forward under no_grad. Each is timed over STEPS steps after one warm-up step,
on random images with 2 classes and torch.set_num_threads(THREADS). Prints one JSON line with
the fields of `eus-report bench`; gflops_* use the same FLOP count (2 per multiply-add of the
convolutions and fc, 3x forward for training).

End to end (--data DIR, or --demo-config): whole epochs of scripts/learning_baseline_torch.py's
training loop (the demo's recipe: in-memory images decoded once with PIL, the EUS-aware
augmentation by grid_sample, antialiased resize, AdamW with weight decay on the weights, label
smoothing, the EMA) on the training partition of DIR-split.csv (made by
`eus-report split DIR --seed 1` when absent), after one warm-up epoch, and eval-mode forwards of
every case in batches of 16 (as `eus-report predict` batches them), preprocessing included.
--demo-config is 160 px and width 32 on the phantom that `eus-report synth --seed 1` makes
(pass its folder as --data). Prints train_img_s, infer_img_s and load_img_s as
`eus-report bench --data` does.

Usage: python bench_torch.py --arch resnet34 [--image-size 224] [--width 64] [--batch-size 16] [--steps 3] [--threads 2]
       python bench_torch.py --arch resnet34 --demo-config --data /tmp/phantom [--epochs 2]
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
p.add_argument("--data", help="end to end on this phantom folder (manifest.csv, split.csv)")
p.add_argument("--demo-config", action="store_true", help="end to end at 160 px, width 32")
p.add_argument("--epochs", type=int, default=2, help="end to end: timed epochs and prediction passes")
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(1)
if a.demo_config and not a.data:
    p.error("--demo-config needs --data: the folder that `eus-report synth --seed 1` makes")
if a.data:
    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import learning_baseline_torch as base
    import numpy as np, torch.nn.functional as F
    size = 160 if a.demo_config and a.image_size == 224 else a.image_size
    width = 32 if a.demo_config and a.width == 64 else a.width
    split = a.data.rstrip("/") + "-split.csv"
    if not os.path.exists(split):
        import subprocess
        subprocess.run([os.environ.get("EUS_REPORT", "eus-report"), "split", a.data, "--seed", "1", "--out", split], check=True)
    load_start = time.perf_counter()
    cases = base.load(a.data, split)
    train = [c for c in cases if c["partition"] == "train"]
    model = base.scaled_resnet(a.arch, width)
    ema = torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.99), use_buffers=True)
    opt = torch.optim.AdamW(base.param_groups(model, 0.05), lr=1e-3)
    rng = np.random.default_rng(1)

    def batch(items):
        return torch.stack([base.tensor(base.augment(c["image"], c["scanner"], rng), size) for c in items])

    def epoch():
        model.train()
        order = rng.permutation(len(train))
        for b in range(0, len(order), a.batch_size):
            items = [train[i] for i in order[b:b + a.batch_size]]
            x, y = batch(items), torch.tensor([c["label"] for c in items])
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            loss.backward()
            opt.step()
            ema.update_parameters(model)

    def predict():
        ema.module.eval()
        with torch.no_grad():
            for b in range(0, len(cases), 16):
                x = torch.stack([base.tensor(c["image"], size) for c in cases[b:b + 16]])
                F.softmax(ema.module(x), 1)

    epoch()
    t = time.perf_counter()
    for _ in range(a.epochs):
        epoch()
    train_s = time.perf_counter() - t
    t = time.perf_counter()
    for b in range(0, len(train), a.batch_size):
        batch(train[b:b + a.batch_size])
    load_s = time.perf_counter() - t
    predict()
    t = time.perf_counter()
    for _ in range(a.epochs):
        predict()
    infer_s = time.perf_counter() - t
    print(json.dumps({
        "arch": a.arch, "mode": "end_to_end", "image_size": size, "width": width, "batch_size": a.batch_size,
        "threads": a.threads, "train_cases": len(train), "epochs": a.epochs,
        "train_img_s": round(a.epochs * len(train) / train_s, 3), "infer_img_s": round(a.epochs * len(cases) / infer_s, 3),
        "load_img_s": round(len(train) / load_s, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 3)}))
    sys.exit(0)
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
