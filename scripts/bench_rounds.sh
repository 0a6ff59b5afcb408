#!/usr/bin/env bash
# Speed against PyTorch, as issue-style tables: for each configuration, alternating rounds of
# `eus-report bench` and scripts/bench_torch.py on the same machine, under the environment's
# OpenBLAS setting and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (what a user's machine
# runs). Prints one row per round with both img/s and their ratio (ours / PyTorch).
#
#   TORCH_PYTHON=/tmp/torch/bin/python scripts/bench_rounds.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
python="${TORCH_PYTHON:?set TORCH_PYTHON to a Python with torch 2.15 and torchvision 0.29.2}"
swift build -c release --product eus-report >/dev/null
bin="$(swift build -c release --show-bin-path)/eus-report"
configs=("resnet34 224 64" "resnet50 224 64" "resnet34 128 64" "resnet50 128 64" "resnet34 128 32" "resnet50 128 32" "resnet34 160 32" "resnet50 160 32")
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }
echo "| kernel | arch | px | width | round | train ours | train torch | ratio | infer ours | infer torch | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for kernel in pinned native; do
    run=(); [[ $kernel == native ]] && run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
    for config in "${configs[@]}"; do
        read -r arch size width <<<"$config"
        for round in $(seq 1 "$rounds"); do
            ours=$("${run[@]}" "$bin" bench --arch "$arch" --image-size "$size" --width "$width" --steps 3)
            torch=$("${run[@]}" "$python" scripts/bench_torch.py --arch "$arch" --image-size "$size" --width "$width" --steps 3)
            ot=$(field train_img_s <<<"$ours"); tt=$(field train_img_s <<<"$torch")
            oi=$(field infer_img_s <<<"$ours"); ti=$(field infer_img_s <<<"$torch")
            printf "| %s | %s | %s | %s | %s | %.1f | %.1f | %.2f× | %.1f | %.1f | %.2f× |\n" "$kernel" "$arch" "$size" "$width" "$round" \
                "$ot" "$tt" "$(echo "$ot / $tt" | bc -l)" "$oi" "$ti" "$(echo "$oi / $ti" | bc -l)"
        done
    done
done
