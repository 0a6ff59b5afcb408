"""How far PyTorch float32 itself lands from the float64 answers when the weights and input move
by a rounding error: the ensemble behind Tests/ReferenceNetworks/resnet/NAME.ensemble.safetensors.

NAME.f64.safetensors holds one sample of PyTorch float32's distance from float64 (`spread.*`).
For the quantities that turn on a sum cancelling to near zero (an SGD trajectory through ReLU
inputs within rounding of zero, the raw Grad-CAM map) one sample says little: a float32 engine
that rounds in another order is another draw. This script draws RUNS of them. In run r
(r = 1…RUNS) every weight and input value w becomes float32(w · (1 + 2^-24 · z)), z ~ N(0, 1)
from torch.Generator seed r, computed in float64: a move of at most about one unit in the last
place. PyTorch then computes every quantity of NAME.io in float32, as make_f64_references.py
does, and the file holds
  ensemble.<quantity>  (1,)       max over runs of max|run − float64 answer for the unmoved inputs|
  median.<quantity>    (1,)       the median over runs of that max
  runs.sgd_losses      (RUNS, 4)  each run's four SGD losses
Usage: python make_rounding_ensemble.py RESNET_DIR [RUNS]
  RESNET_DIR holds NAME.weights/.io/.f64.safetensors and receives NAME.ensemble.safetensors.
  Needs torch, torchvision and safetensors."""
import sys, torch, torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck
from narrow_resnet import NarrowResNet
from safetensors.torch import load_file, save_file

W = 8
folder = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 32
torch.set_num_threads(2)


def quantities(block, sd, x, y):
    """Every fixture quantity in float32 from the state dict `sd` (as make_f64_references.py)."""
    def fresh():
        m = NarrowResNet(block, [3, 4, 6, 3], W); m.load_state_dict(sd); return m
    q = {}
    m = fresh().eval()
    kept = {}
    def keep(mod, i, o):
        kept["A"] = o; o.register_hook(lambda g: kept.__setitem__("dA", g))
    h = m.layer4[-1].register_forward_hook(keep)
    logits = m(x); h.remove()
    q["eval_logits"] = logits.detach(); q["eval_layer4"] = kept["A"].detach()
    logits[:, 1].sum().backward()
    q["gradcam_raw_class1"] = torch.relu((kept["dA"].mean(dim=(2, 3), keepdim=True) * kept["A"]).sum(1)).detach()
    m = fresh().train()
    logits = m(x); loss = nn.functional.cross_entropy(logits, y); loss.backward()
    q["train_logits"] = logits.detach(); q["train_loss"] = loss.detach().reshape(1)
    for k, p in m.named_parameters():
        q["grad." + k] = p.grad.detach()
    for k, b in m.named_buffers():
        if "running" in k:
            q["after_step.buffer." + k] = b.detach()
    m = fresh().train()
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    losses = []
    for _ in range(4):
        opt.zero_grad(); l = nn.functional.cross_entropy(m(x), y); losses.append(l.item()); l.backward(); opt.step()
    q["sgd_losses"] = torch.tensor(losses, dtype=torch.float64)
    return q


def moved(t, g):
    """float32(t · (1 + 2^-24 z)), z ~ N(0, 1): t moved by about an ulp."""
    if not t.is_floating_point():
        return t
    z = torch.randn(t.shape, generator=g, dtype=torch.float64)
    return (t.double() * (1 + 2.0 ** -24 * z)).float()


for kind, block in [("resnet34", BasicBlock), ("resnet50", Bottleneck)]:
    sd = load_file(f"{folder}/{kind}.weights.safetensors")
    io = load_file(f"{folder}/{kind}.io.safetensors")
    exact = load_file(f"{folder}/{kind}.f64.safetensors")
    worst = {}
    trajectories = []
    for run in range(1, RUNS + 1):
        g = torch.Generator().manual_seed(run)
        q = quantities(block, {k: moved(v, g) for k, v in sd.items()}, moved(io["input"], g), io["labels"])
        trajectories.append(q["sgd_losses"].float())
        for k, v in q.items():
            worst.setdefault(k, []).append((v.double() - exact["f64." + k].double()).abs().max().item())
    out = {}
    for k, values in worst.items():
        out["ensemble." + k] = torch.tensor([max(values)], dtype=torch.float32)
        out["median." + k] = torch.tensor([sorted(values)[len(values) // 2]], dtype=torch.float32)
    out["runs.sgd_losses"] = torch.stack(trajectories).contiguous()
    save_file(out, f"{folder}/{kind}.ensemble.safetensors",
              metadata={"torch": torch.__version__, "made_by": "scripts/make_rounding_ensemble.py",
                        "runs": str(RUNS), "move": "float32(w * (1 + 2^-24 z)), z ~ N(0,1), seed = run"})
    for k in ["sgd_losses", "gradcam_raw_class1"]:
        print(f"{kind} {k}: spread {exact['spread.' + k].item():.3g}, ensemble median {out['median.' + k].item():.3g}, "
              f"max {out['ensemble.' + k].item():.3g} over {RUNS} runs")
