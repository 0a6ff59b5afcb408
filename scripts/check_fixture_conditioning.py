"""How reproducible are the shared ResNet fixtures' train-mode gradients, SGD losses and raw
Grad-CAM maps?

Recomputes them with PyTorch itself in float32 and in float64 from the fixture's weights and
input, and reports (1) ReLU decisions that differ between float32 and float64, (2) each
precision's worst gradient error against the fixture in units of the parity tolerance
(1e-3 * max|ref| + 1e-7), (3) the SGD trajectory (lr 0.05, momentum 0.9, weight decay 1e-4),
and (4) the raw Grad-CAM map at layer4[-1] for class 1 in eval mode, relu(sum_k mean(dy/dA_k)
A_k), as its max difference from the fixture's `gradcam_raw_class1` in units of max|ref|.

Usage: python check_fixture_conditioning.py FIXTURE_DIR   (holding resnet34/resnet50 .safetensors)
"""
import sys, torch, torch.nn as nn
from torchvision.models.resnet import BasicBlock, Bottleneck
from narrow_resnet import NarrowResNet
from safetensors.torch import load_file

W = 8
folder = sys.argv[1]
for kind, block in [("resnet34", BasicBlock), ("resnet50", Bottleneck)]:
    sd = load_file(f"{folder}/{kind}.weights.safetensors")
    io = load_file(f"{folder}/{kind}.io.safetensors")
    masks, grads, losses = {}, {}, {}
    for dtype in [torch.float32, torch.float64]:
        m = NarrowResNet(block, [3, 4, 6, 3], W); m.load_state_dict(sd); m.to(dtype); m.train()
        seen = []
        for name, mod in m.named_modules():
            if isinstance(mod, nn.ReLU):
                mod.register_forward_hook(lambda mod, i, o, name=name: seen.append((name, (o > 0).clone())))
        loss = nn.functional.cross_entropy(m(io["input"].to(dtype)), io["labels"]); loss.backward()
        masks[dtype] = seen
        grads[dtype] = {k: p.grad.double() for k, p in m.named_parameters()}
        m = NarrowResNet(block, [3, 4, 6, 3], W); m.load_state_dict(sd); m.to(dtype); m.train()
        opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
        trajectory = []
        for _ in range(4):
            opt.zero_grad(); l = nn.functional.cross_entropy(m(io["input"].to(dtype)), io["labels"])
            trajectory.append(l.item()); l.backward(); opt.step()
        losses[dtype] = trajectory
    flips = [(a[0], int((a[1] != b[1]).sum())) for a, b in zip(masks[torch.float32], masks[torch.float64]) if (a[1] != b[1]).any()]
    print(f"{kind}: ReLU decisions differing between float32 and float64: {flips or 'none'}")
    for dtype in [torch.float32, torch.float64]:
        worst = max(((grads[dtype][k] - io["grad." + k].double()).abs().max() /
                     (1e-3 * io["grad." + k].double().abs().max() + 1e-7)).item() for k in grads[dtype])
        print(f"  {dtype}: worst gradient error = {worst:.2f} x tolerance; SGD losses {[round(x, 5) for x in losses[dtype]]}")
    print(f"  fixture sgd_losses {[round(x, 5) for x in io['sgd_losses'].tolist()]}")

    for dtype in [torch.float32, torch.float64]:
        m = NarrowResNet(block, [3, 4, 6, 3], W); m.load_state_dict(sd); m.to(dtype); m.eval()
        kept = {}
        def keep(module, inputs, output):
            kept["A"] = output
            output.register_hook(lambda g: kept.__setitem__("dA", g))
        m.layer4[-1].register_forward_hook(keep)
        m(io["input"].to(dtype))[:, 1].sum().backward()
        weights = kept["dA"].mean(dim=(2, 3), keepdim=True)
        raw = torch.relu((weights * kept["A"]).sum(1)).detach().double().flatten()
        ref = io["gradcam_raw_class1"].double().flatten()
        print(f"  {dtype}: raw Grad-CAM max|diff| = {((raw - ref).abs().max() / ref.abs().max()).item():.2e} x max|ref|")
