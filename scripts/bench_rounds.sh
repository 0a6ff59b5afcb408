#!/usr/bin/env bash
# Speed against PyTorch, as issue-style tables: for each configuration, alternating rounds of
# scripts/bench_torch.py and `eus-report bench` on each GEMM engine (oneDNN, the default, and
# OpenBLAS), on the same machine, with OpenBLAS pinned to its Haswell (AVX2) kernel as CI runs
# it, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (the kernel a user's machine picks).
# oneDNN compiles its kernels for the CPU whatever OpenBLAS is told. Prints one row per round
# with every img/s, the ratios (ours / PyTorch) and each side's peak RSS (oneDNN's run for ours).
#
# The configurations: random tensors at 224 and 128 px (width 64), and the demo's own
# configuration end to end (`--demo-config`: the seed-1 phantom, 160 px, width 32, decoding
# and augmentation on the clock, the demo's recipe on both sides).
#
#   TORCH_PYTHON=/tmp/torch/bin/python scripts/bench_rounds.sh [ROUNDS] [KERNELS...]
#   KERNELS: haswell native (default both)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"; shift || true
kernels=("${@:-haswell native}"); read -r -a kernels <<<"${kernels[*]}"
python="${TORCH_PYTHON:?set TORCH_PYTHON to a Python with torch 2.15 and torchvision 0.29.2}"
swift build -c release --product eus-report >/dev/null
bin="$(swift build -c release --show-bin-path)/eus-report"
phantom="$(mktemp -d)/phantom"
EUS_REPORT_QUIET=1 "$bin" synth --out "$phantom" --seed 1 >/dev/null
configs=("resnet34 224 64" "resnet50 224 64" "resnet34 128 64" "resnet50 128 64" "resnet34 demo" "resnet50 demo")
echo "| kernel | arch | config | round | train oneDNN / OpenBLAS / torch | ratio oneDNN / OpenBLAS | infer oneDNN / OpenBLAS / torch | ratio oneDNN / OpenBLAS | RSS ours / torch (MiB) |"
echo "|---|---|---|---|---|---|---|---|---|"
for kernel in "${kernels[@]}"; do
    case $kernel in
        haswell) run=(env OPENBLAS_CORETYPE=Haswell) ;;
        native) run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE) ;;
        *) echo "unknown kernel setting $kernel (haswell or native)" >&2; exit 2 ;;
    esac
    for config in "${configs[@]}"; do
        read -r arch size width <<<"$config"
        if [[ $size == demo ]]; then
            ours_args=(--demo-config --data "$phantom" --epochs 2 --peak-size 0)
            torch_args=(--demo-config --data "$phantom" --epochs 2)
            label="demo, end to end"
        else
            ours_args=(--image-size "$size" --width "$width" --steps 3 --peak-size 0)
            torch_args=(--image-size "$size" --width "$width" --steps 3)
            label="$size px, width $width"
        fi
        for round in $(seq 1 "$rounds"); do
            torch=$("${run[@]}" EUS_REPORT="$bin" "$python" scripts/bench_torch.py --arch "$arch" "${torch_args[@]}" 2>/dev/null | tail -1)
            dnnl=$("${run[@]}" "$bin" bench --arch "$arch" "${ours_args[@]}" --gemm onednn 2>/dev/null)
            blas=$("${run[@]}" "$bin" bench --arch "$arch" "${ours_args[@]}" --gemm openblas 2>/dev/null)
            python3 - "$kernel" "$arch" "$label" "$round" "$dnnl" "$blas" "$torch" <<'PY'
import json, sys
kernel, arch, label, round_, *lines = sys.argv[1:]
dnnl, blas, torch = (json.loads(line) for line in lines)
def ratios(key):
    return f"{dnnl[key] / torch[key]:.2f}× / {blas[key] / torch[key]:.2f}×"
def rates(key):
    return f"{dnnl[key]:.1f} / {blas[key]:.1f} / {torch[key]:.1f}"
print(f"| {kernel} | {arch} | {label} | {round_} | {rates('train_img_s')} | {ratios('train_img_s')} | "
      f"{rates('infer_img_s')} | {ratios('infer_img_s')} | {dnnl['peak_rss_mib']:.0f} / {torch['peak_rss_mib']:.0f} |")
PY
        done
    done
done
