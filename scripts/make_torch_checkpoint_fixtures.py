"""torch.save fixtures for the checkpoint reader (Tests/EUSModelsTests/Fixtures/torch/).

Run with the torch venv: /tmp/torch/bin/python scripts/make_torch_checkpoint_fixtures.py OUTDIR
Made with the torch and torchvision versions written to OUTDIR/VERSIONS.txt.

For each loadable .pth, a .expected.safetensors holds the same tensors as contiguous float32
(float16 widened exactly) or int64 values, in the same order, written by the small safetensors
writer below (the format is a JSON header and raw little-endian bytes).

  narrow_resnet18.pth          torch.save(model.state_dict()) of torchvision's ResNet (BasicBlock,
                               [2, 2, 2, 2]) at base width 4, 2 classes, random BatchNorm statistics
  views.pth                    float16, transposed, sliced (strided), offset views sharing one
                               storage, a 0-d tensor, an int64 tensor, an empty tensor
  views_protocol4.pth          the same with pickle_protocol=4, which torch.load(weights_only=True)
                               refuses (FRAME), and so does the reader
  training_checkpoint.pth      {'epoch': 3, 'state_dict': <views>}: the state_dict is found inside
  evil_system.pth              a state_dict with an object whose __reduce__ is os.system (GLOBAL)
  evil_eval.pth                the same with builtins.eval
  legacy.pth                   _use_new_zipfile_serialization=False (the pre-1.6 format)
  deflated.pth                 views.pth re-zipped with deflate
"""
import builtins, json, os, struct, sys, zipfile
import numpy as np
import torch, torch.nn as nn, torchvision
from torchvision.models.resnet import BasicBlock
from narrow_resnet import NarrowResNet

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(18)


def write_safetensors(tensors, path):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.float16:
            t = t.float()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        blob = t.numpy().astype("<f4" if dtype == "F32" else "<i8").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob); offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text))); f.write(text)
        for blob in blobs:
            f.write(blob)


def save(obj, name, expected=None, **kwargs):
    torch.save(obj, f"{out}/{name}.pth", **kwargs)
    if expected is not None:
        write_safetensors(expected, f"{out}/{name}.expected.safetensors")


# 1. A narrow torchvision ResNet-18 state_dict.
model = NarrowResNet(BasicBlock, [2, 2, 2, 2], 4)
g = torch.Generator().manual_seed(19)
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.weight.data = 0.6 + 0.8 * torch.rand(m.num_features, generator=g)
        m.bias.data = 0.1 * torch.randn(m.num_features, generator=g)
        m.running_mean.data = 0.1 * torch.randn(m.num_features, generator=g)
        m.running_var.data = 0.5 + torch.rand(m.num_features, generator=g)
        m.num_batches_tracked.fill_(7)
sd = model.state_dict()
save(sd, "narrow_resnet18", sd)

# 2. Views: every tensor is a view whose values differ from its storage's first elements.
base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 7
half = (torch.randn(3, 5, generator=g) * 100).half()
half[0, 0] = 6.1e-5; half[0, 1] = -2.0 ** -24; half[0, 2] = 65504  # subnormal, smallest, largest
views = {
    "transposed": base.t(),
    "sliced": base[:, 1::2],
    "row_of_shared": base[2],
    "half": half,
    "half_transposed": half.t(),
    "scalar": torch.tensor(3.25),
    "counts": torch.tensor([[-3, 0, 2 ** 40]], dtype=torch.int64),
    "empty": torch.zeros(0, 3),
}
expected_views = {k: v.clone() for k, v in views.items()}
save(views, "views", expected_views)
save(views, "views_protocol4", pickle_protocol=4)
save({"epoch": 3, "state_dict": views}, "training_checkpoint", expected_views)


# 3. Refused: a pickle that asks for another global. Loading it in Python without
# weights_only would run the command; the reader must refuse it before anything is built.
class System:
    def __reduce__(self):
        return (os.system, ("echo this-must-never-run > /tmp/eus-evil-checkpoint",))


class Eval:
    def __reduce__(self):
        return (builtins.eval, ("1 + 1",))


save({"conv1.weight": base, "evil": System()}, "evil_system")
save({"conv1.weight": base, "evil": Eval()}, "evil_eval")

# 4. Refused, with how to re-save: the legacy format, and a re-zipped (deflated) archive.
save(views, "legacy", _use_new_zipfile_serialization=False)
with zipfile.ZipFile(f"{out}/views.pth") as source, zipfile.ZipFile(f"{out}/deflated.pth", "w", zipfile.ZIP_DEFLATED) as target:
    for item in source.infolist():
        target.writestr(item.filename, source.read(item.filename))

with open(f"{out}/VERSIONS.txt", "w") as f:
    f.write(f"torch {torch.__version__}\ntorchvision {torchvision.__version__}\nnumpy {np.__version__}\n")
print(open(f"{out}/VERSIONS.txt").read())
