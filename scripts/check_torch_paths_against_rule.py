"""PyTorch float32's own convolution paths against the float64 rule for ResNet-50's train-mode
gradients, the rule the engine's tests apply (Tests/EUSModelsTests/ResNetParityTests.swift):
each gradient tensor within max(1e-3 × max|float64| + 1e-7, 3 × spread) of float64, element-wise,
where spread is PyTorch float32's distance in the one run that made NAME.f64.safetensors
(oneDNN convolutions, 2 threads).

The same float32 weights and input go through PyTorch in float32 along paths a PyTorch user may
take: oneDNN (mkldnn) on 2 threads and on 1, oneDNN in channels-last layout, and PyTorch's own
im2col + sgemm convolution (mkldnn disabled), the path this engine's training forward takes.
For each the script prints how many of the 161 gradient tensors go past the rule, the worst
ratio, and which near-zero residual ReLU inputs (NAME.near-zero-relus.json) land on the other
side from float64. Nothing is written.
Usage: python check_torch_paths_against_rule.py RESNET_DIR
  Needs torch, torchvision and safetensors. Made with torch 2.15.0, torchvision 0.29.2."""
import json, sys, torch, torch.nn as nn
from torchvision.models.resnet import Bottleneck
from narrow_resnet import NarrowResNet
from safetensors.torch import load_file

folder = sys.argv[1]
sd = load_file(f"{folder}/resnet50.weights.safetensors")
io = load_file(f"{folder}/resnet50.io.safetensors")
exact = load_file(f"{folder}/resnet50.f64.safetensors")
near_zero = json.load(open(f"{folder}/resnet50.near-zero-relus.json"))


def gradients(threads, mkldnn, channels_last):
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = mkldnn
    m = NarrowResNet(Bottleneck, [3, 4, 6, 3], 8); m.load_state_dict(sd); m.train()
    x = io["input"].clone()
    if channels_last:
        m = m.to(memory_format=torch.channels_last); x = x.to(memory_format=torch.channels_last)
    # Each block's residual ReLU input: torchvision's Bottleneck.forward, keeping `out` before
    # its last ReLU.
    inputs = {}
    for name, block in m.named_modules():
        if isinstance(block, Bottleneck):
            def forward(x, block=block, name=name):
                identity = x if block.downsample is None else block.downsample(x)
                out = block.relu(block.bn1(block.conv1(x)))
                out = block.relu(block.bn2(block.conv2(out)))
                out = block.bn3(block.conv3(out)) + identity
                inputs[name] = out.detach().clone()
                return block.relu(out)
            block.forward = forward
    loss = nn.functional.cross_entropy(m(x), io["labels"]); loss.backward()
    grads = {k: p.grad.detach().double() for k, p in m.named_parameters()}
    flips = [f"{u['block']} {u['index']}" for u in near_zero["units"] if
             (inputs[u["block"]][tuple(u["index"])].item() > 0) != (u["f64"] > 0)]
    return grads, flips


for label, threads, mkldnn, channels_last in [("oneDNN, 2 threads", 2, True, False),
                                              ("oneDNN, 1 thread", 1, True, False),
                                              ("oneDNN, channels-last, 2 threads", 2, True, True),
                                              ("im2col + sgemm (mkldnn off), 2 threads", 2, False, False)]:
    grads, flips = gradients(threads, mkldnn, channels_last)
    past, worst = 0, (0.0, "")
    for k, g in grads.items():
        f64 = exact["f64.grad." + k].double()
        bound = max(1e-3 * f64.abs().max().item() + 1e-7, 3 * exact["spread.grad." + k].abs().max().item())
        ratio = (g - f64).abs().max().item() / bound
        past += ratio > 1
        worst = max(worst, (ratio, k))
    print(f"PyTorch {torch.__version__} float32, {label}: {past} of {len(grads)} gradient tensors past the rule, "
          f"worst {worst[0]:.3g}× its bound (grad.{worst[1]}); near-zero ReLU inputs on the other side from "
          f"float64: {', '.join(flips) if flips else 'none'}")
