#!/usr/bin/env bash
# The learning benchmark (a benchmark, not a test): the demo's training on phantom seeds 1-5,
# then one table of each network's validation accuracy, AUC, Grad-CAM energy in the lesion
# mask on the GIST cases against the mask's own area (what a flat map scores), pointing-game
# rate and wall time, with the mean and SD over seeds and each seed's verdict.
#
#   scripts/learning_benchmark.sh [OUT_DIR] [SEEDS...] [-- extra demo options]
#   e.g. scripts/learning_benchmark.sh /tmp/learning 1 2 3 4 5 -- --quick
#
# With TORCH_PYTHON set (a Python with torch 2.15 and torchvision 0.29.2), it also trains
# torchvision's ResNet-34 and ResNet-50 with the same recipe on the same phantom and split
# (scripts/learning_baseline_torch.py) and prints their rows.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/eus-learning}"; shift || true
seeds=(); while [[ $# -gt 0 && "$1" != "--" ]]; do seeds+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ ${#seeds[@]} -eq 0 ]] && seeds=(1 2 3 4 5)
swift build -c release --product eus-report >/dev/null
bin="$(swift build -c release --show-bin-path)/eus-report"
mkdir -p "$out"
folders=()
for seed in "${seeds[@]}"; do
    dir="$out/seed$seed"
    start=$(date +%s.%N)
    "$bin" demo --seed "$seed" --out "$dir" --quiet "$@" > "$out/seed$seed.log"
    echo "$(echo "$(date +%s.%N) - $start" | bc)" > "$dir/seconds"
    folders+=("$dir")
    echo "seed $seed: $(sed -n 3,5p "$out/seed$seed.log" | tr '\n' ' ')" >&2
done
python3 scripts/learning_table.py "${folders[@]}"

if [[ -n "${TORCH_PYTHON:-}" ]]; then
    echo
    echo "| seed | network (PyTorch) | accuracy | AUC | energy in mask (GIST) | pointing game | seconds |"
    echo "|---|---|---|---|---|---|---|"
    for seed in "${seeds[@]}"; do
        phantom="$out/seed$seed.work/phantom"
        for arch in resnet34 resnet50; do
            "$TORCH_PYTHON" scripts/learning_baseline_torch.py "$phantom" "$out/seed$seed.work/split.csv" --seed "$seed" --arch "$arch" \
                | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(f"| {r[\"seed\"]} | {r[\"arch\"]} | {r[\"val_accuracy\"]:.3f} | {r[\"val_auc\"]:.3f} | {r[\"energy_in_mask_gist\"]:.3f} | {r[\"pointing_game\"]:.3f} | {r[\"seconds\"]:.0f} |")'
        done
    done
fi
