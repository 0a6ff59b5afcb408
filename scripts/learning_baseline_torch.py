"""PyTorch baseline for the learning benchmark: torchvision's ResNet-34 and ResNet-50 trained
on an EUSReport phantom with the same split and the same recipe as `eus-report demo`.

The recipe (see Sources/EUSPipeline/Demo.swift and Sources/EUSData/Augmentation.swift):
  * EUS-aware augmentation, drawn per case and epoch:
      radial scans: rotation by U(-180, 180) degrees about the transducer centre, flip 0.5;
      linear scans: flip 0.5, rotation U(-10, 10) degrees about the image centre;
      both: crop of side U(0.8, 1.0) at a random position, gain U(-g, g) dB,
      dynamic range and gamma x (1 + r)^U(-1, 1), contrast U(1 - c, 1 + c) (--gain-db, --dynamic-range,
      --contrast, --gamma; 0 turns a part off).
  * label smoothing, AdamW with weight decay on conv/fc weights only (not on BN or bias),
    a linear warm-up then cosine to zero, stepped per batch, and an EMA of the weights
    (BatchNorm buffers copied) that is evaluated.
  * a fixed number of epochs: nothing looks at the validation partition until the end.

Usage (the phantom and split come from eus-report itself, so both sides see the same cases):
  eus-report synth --out /tmp/ph1 --seed 1
  eus-report split /tmp/ph1 --seed 1 --out /tmp/ph1/split.csv
  python scripts/learning_baseline_torch.py /tmp/ph1 /tmp/ph1/split.csv --seed 1 --arch resnet34

Prints one JSON line: arch, seed, val_accuracy, val_auc, train_accuracy, energy_in_mask_gist,
mask_fraction_gist, pointing_game, seconds.
Made with torch 2.15.0, torchvision 0.29.2.
"""
import argparse, csv, json, math, os, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F, torchvision
from PIL import Image

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


def load(root, split_path):
    manifest = {r["case_id"]: r for r in csv.DictReader(open(os.path.join(root, "manifest.csv")))}
    rows = list(csv.DictReader(open(split_path)))
    cases = []
    for r in rows:
        m = manifest[r["case_id"]]
        img = np.asarray(Image.open(os.path.join(root, m["path"])).convert("L"), dtype=np.float32) / 255
        mask = np.asarray(Image.open(os.path.join(root, m["mask_path"])).convert("L")) > 127
        cases.append(dict(id=r["case_id"], label=0 if m["label"] == "GIST" else 1, partition=r["partition"],
                          scanner=m["scanner"], image=torch.from_numpy(img), mask=torch.from_numpy(mask)))
    return cases


def augment(img, scanner, rng, intensity=(1.0, 0.1, 0.1, 0.1)):
    """(H, W) in [0,1] -> (H', W') in [0,1]: one bilinear resampling, then intensity."""
    h, w = img.shape
    flip = rng.random() < 0.5
    angle = rng.uniform(-180, 180) if scanner == "radial" else rng.uniform(-10, 10)
    s = rng.uniform(0.8, 1.0)
    ch, cw = max(1, round(s * h)), max(1, round(s * w))
    ox, oy = rng.random() * (w - cw), rng.random() * (h - ch)
    # Output pixel centre (u, v) of the crop -> flip -> rotate about the image (transducer)
    # centre -> source pixel; grid_sample wants normalised coordinates.
    v, u = torch.meshgrid(torch.arange(ch) + 0.5, torch.arange(cw) + 0.5, indexing="ij")
    x, y = u + ox, v + oy
    if flip:
        x = w - x
    t = math.radians(angle)
    cx, cy = w / 2, h / 2
    sx = math.cos(t) * (x - cx) - math.sin(t) * (y - cy) + cx
    sy = math.sin(t) * (x - cx) + math.cos(t) * (y - cy) + cy
    grid = torch.stack([sx / w * 2 - 1, sy / h * 2 - 1], -1)[None]
    out = F.grid_sample(img[None, None], grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0, 0]
    gain_db, dynamic_range, contrast, gamma = intensity
    gain = 10 ** (rng.uniform(-gain_db, gain_db) / 20)
    dr = math.exp(rng.uniform(-1, 1) * math.log1p(dynamic_range))
    c = rng.uniform(1 - contrast, 1 + contrast)
    g = math.exp(rng.uniform(-1, 1) * math.log1p(gamma))
    out = (out * gain).clamp(0, 1)
    out = torch.where(out > 0, (1 - (1 - out) * dr).clamp(0, 1), out)
    m = out.mean()
    out = ((out - m) * c + m).clamp(0, 1) ** g
    return out


def tensor(img, size):
    x = F.interpolate(img[None, None], size=(size, size), mode="bilinear", antialias=True, align_corners=False)[0]
    return (x.expand(3, -1, -1) - MEAN) / STD


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim > 1 else no_decay).append(p)
    return [dict(params=decay, weight_decay=weight_decay), dict(params=no_decay, weight_decay=0.0)]


def lr_at(step, total, warmup, base):
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def auc(labels_pos, scores):
    pos = [s for l, s in zip(labels_pos, scores) if l]
    neg = [s for l, s in zip(labels_pos, scores) if not l]
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def grad_cam(model, layer, x):
    """Grad-CAM of class 0 (GIST) at `layer`, upsampled to the input size, min-max scaled."""
    acts = {}
    h1 = layer.register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    h2 = layer.register_full_backward_hook(lambda m, gi, go: acts.__setitem__("g", go[0]))
    model.zero_grad()
    out = model(x)
    out[:, 0].sum().backward()
    h1.remove(); h2.remove()
    a, g = acts["a"], acts["g"]
    cam = F.relu((g.mean((2, 3), keepdim=True) * a).sum(1, keepdim=True))
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    flat = cam.flatten(1)
    lo, hi = flat.min(1, keepdim=True)[0], flat.max(1, keepdim=True)[0]
    return ((flat - lo) / (hi - lo + 1e-7)).view_as(cam), (hi[:, 0] > 0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data"); p.add_argument("split")
    p.add_argument("--arch", default="resnet34")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--image-size", type=int, default=160)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--warmup-epochs", type=int, default=3)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--ema", type=float, default=0.99, help="EMA decay per step; 0 turns it off")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--gain-db", type=float, default=1.0)
    p.add_argument("--dynamic-range", type=float, default=0.1)
    p.add_argument("--contrast", type=float, default=0.1)
    p.add_argument("--gamma", type=float, default=0.1)
    p.add_argument("--zero-init-residual", action="store_true", help="start each residual branch's last BN at gamma 0")
    p.add_argument("--cam-layer", default="layer4")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    cases = load(a.data, a.split)
    train = [c for c in cases if c["partition"] == "train"]
    val = [c for c in cases if c["partition"] == "validation"]
    model = scaled_resnet(a.arch, a.width, a.zero_init_residual)
    ema = torch.optim.swa_utils.AveragedModel(
        model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(a.ema), use_buffers=True) if a.ema > 0 else None
    opt = torch.optim.AdamW(param_groups(model, a.weight_decay), lr=a.lr)
    steps_per_epoch = math.ceil(len(train) / a.batch_size)
    total, warmup = a.epochs * steps_per_epoch, a.warmup_epochs * steps_per_epoch
    start, step = time.time(), 0
    for epoch in range(a.epochs):
        model.train()
        order = rng.permutation(len(train))
        correct = 0
        for b in range(0, len(order), a.batch_size):
            items = [train[i] for i in order[b:b + a.batch_size]]
            imgs = [c["image"] if a.no_augment else augment(c["image"], c["scanner"], rng, (a.gain_db, a.dynamic_range, a.contrast, a.gamma)) for c in items]
            x = torch.stack([tensor(i, a.image_size) for i in imgs])
            y = torch.tensor([c["label"] for c in items])
            for group in opt.param_groups:
                group["lr"] = lr_at(step, total, warmup, a.lr)
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y, label_smoothing=a.label_smoothing)
            loss.backward()
            opt.step()
            if ema is not None:
                ema.update_parameters(model)
            correct += (out.argmax(1) == y).sum().item()
            step += 1
        if os.environ.get("EUS_LOG_EPOCHS"):
            print(f"epoch {epoch + 1} train acc {correct / len(train):.3f} loss {loss.item():.3f}", flush=True)
    seconds = time.time() - start
    final = ema.module if ema is not None else model
    final.eval()
    x = torch.stack([tensor(c["image"], a.image_size) for c in val])
    with torch.no_grad():
        prob = F.softmax(final(x), 1)[:, 0].tolist()
    labels = [c["label"] for c in val]
    acc = sum((pp >= 0.5) == (l == 0) for pp, l in zip(prob, labels)) / len(val)
    localisation = {layer: localise(final, getattr(final, layer)[-1], x, val, a.image_size) for layer in ("layer3", "layer4")}
    print(json.dumps(dict(arch=a.arch, seed=a.seed, val_accuracy=round(acc, 4), val_auc=round(auc([l == 0 for l in labels], prob), 4),
                          train_accuracy=round(correct / len(train), 4),
                          **localisation[a.cam_layer], seconds=round(seconds, 1),
                          **{f"{k}_{layer}": v for layer in ("layer3", "layer4") for k, v in localisation[layer].items()})))


def localise(model, layer, x, val, size):
    """Mean Grad-CAM energy in the mask and pointing-game rate over the GIST cases whose map is
    not blank, and the mean mask-area fraction of the GIST cases."""
    cam, nonblank = grad_cam(model, layer, x.clone().requires_grad_(True))
    energy, fraction, hits, n = [], [], 0, 0
    for i, c in enumerate(val):
        if c["label"] != 0:
            continue
        mask = F.interpolate(c["mask"][None, None].float(), size=(size, size), mode="nearest")[0, 0] > 0.5
        fraction.append(mask.float().mean().item())
        if nonblank[i]:
            m = cam[i].detach()
            energy.append((m * mask).sum().item() / max(m.sum().item(), 1e-12))
            hits += bool(mask.flatten()[m.flatten().argmax()])
            n += 1
    return dict(energy_in_mask_gist=round(float(np.mean(energy)) if energy else float("nan"), 4),
                mask_fraction_gist=round(float(np.mean(fraction)), 4), pointing_game=round(hits / max(n, 1), 4))


def scaled_resnet(arch, width, zero_init_residual=False):
    """torchvision's ResNet with every width scaled by width/64 (EUSReport's --width)."""
    from torchvision.models.resnet import ResNet, BasicBlock, Bottleneck

    class Narrow(ResNet):
        def __init__(self, block, layers):
            nn.Module.__init__(self)
            self._norm_layer = nn.BatchNorm2d
            self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
            self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, width, layers[0])
            self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
            self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
            self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(width * 8 * block.expansion, 2)
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1); nn.init.constant_(m.bias, 0)
            if zero_init_residual:
                for m in self.modules():
                    if isinstance(m, Bottleneck):
                        nn.init.constant_(m.bn3.weight, 0)
                    elif isinstance(m, BasicBlock):
                        nn.init.constant_(m.bn2.weight, 0)

    return Narrow(Bottleneck if arch == "resnet50" else BasicBlock, {"resnet18": [2, 2, 2, 2]}.get(arch, [3, 4, 6, 3]))


if __name__ == "__main__":
    main()
