"""The residual-block ReLU inputs that float64 puts within float32 rounding of zero, for the parity
test that gives our float32 forward float64's ReLU decisions (Tests/ReferenceNetworks/resnet/
NAME.near-zero-relus.json).

For each reference network, PyTorch computes the train-mode forward of NAME.io's batch in float64
from NAME.weights and lists every unit of every residual block's output, before its ReLU, whose
value lies within 2e-5 × that block's max|value| of zero: a float32 forward may put it on either
side. Each entry: {"block": "layer4.2", "index": [n, c, y, x], "f64": value}.
Usage: python make_near_zero_relus.py RESNET_DIR   (torch, torchvision, safetensors)"""
import json, sys, types, torch
from torchvision.models.resnet import BasicBlock, Bottleneck
from safetensors.torch import load_file
from narrow_resnet import NarrowResNet

folder = sys.argv[1]
RELATIVE = 2e-5


def residual_sums(self, x):
    """torchvision's block forward, keeping the sum before the final ReLU."""
    identity = x if self.downsample is None else self.downsample(x)
    out = self.relu(self.bn1(self.conv1(x)))
    out = self.bn2(self.conv2(out))
    if isinstance(self, Bottleneck):
        out = self.bn3(self.conv3(self.relu(out)))
    self.sum = (out + identity).detach()
    return self.relu(out + identity)


for kind, block in [("resnet34", BasicBlock), ("resnet50", Bottleneck)]:
    sd = load_file(f"{folder}/{kind}.weights.safetensors")
    io = load_file(f"{folder}/{kind}.io.safetensors")
    m = NarrowResNet(block, [3, 4, 6, 3], 8); m.load_state_dict(sd); m = m.double().train()
    blocks = [(name, mod) for name, mod in m.named_modules() if isinstance(mod, block)]
    for _, mod in blocks:
        mod.forward = types.MethodType(residual_sums, mod)
    m(io["input"].double())
    units = []
    for name, mod in blocks:
        bound = RELATIVE * mod.sum.abs().max().item()
        for index in (mod.sum.abs() < bound).nonzero().tolist():
            units.append({"block": name, "index": index, "f64": mod.sum[tuple(index)].item()})
    head = json.dumps({"made_by": "scripts/make_near_zero_relus.py", "torch": torch.__version__,
                       "relative_bound": RELATIVE})[:-1]
    with open(f"{folder}/{kind}.near-zero-relus.json", "w") as f:
        f.write(head + ', "units": [\n' + ",\n".join(json.dumps(u) for u in units) + "\n]}\n")
    print(f"{kind}: {len(units)} residual ReLU inputs within {RELATIVE} x max of zero")
