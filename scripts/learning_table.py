"""The learning benchmark's table: one row per (seed, network) from finished demo folders, then
the mean and SD over seeds, and the verdicts with their p-values.

Energy in mask and the pointing game are over the validation GIST cases whose map is not blank
(a blank map: nothing raised P(GIST); their count is listed). Reads, per seed folder DIR (an
`eus-report demo --out DIR` report):
  DIR/metrics.json                      accuracy, AUC, the paired DeLong and McNemar tests
  DIR/predictions.csv                   per case: label, <model>_cam_energy, <model>_cam_hit
  DIR.work/phantom/masks/<case>.png     the lesion masks (their area fraction is the score a flat map gets)
  DIR/seconds                           the demo's wall time, written by learning_benchmark.sh

Usage: python3 scripts/learning_table.py DIR1 DIR2 ...   (standard library only)
"""
import csv, json, math, os, statistics, struct, sys, zlib


def png_gray_fraction(path):
    """Share of pixels >= 128 in an 8-bit gray, non-interlaced PNG (the phantom's masks)."""
    data = open(path, "rb").read()
    pos, chunks, width, height = 8, [], 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 0, f"{path}: not 8-bit gray"
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw, prev, inside = zlib.decompress(b"".join(chunks)), bytearray(width), 0
    for y in range(height):
        f, row = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            a = row[x - 1] if x else 0
            b, c = prev[x], (prev[x - 1] if x else 0)
            if f == 1: row[x] = (row[x] + a) & 255
            elif f == 2: row[x] = (row[x] + b) & 255
            elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        inside += sum(v >= 128 for v in row)
        prev = row
    return inside / (width * height)


def mean_sd(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return "–"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def seed_rows(folder):
    metrics = json.load(open(os.path.join(folder, "metrics.json")))
    cases = list(csv.DictReader(open(os.path.join(folder, "predictions.csv"))))
    seconds = float(open(os.path.join(folder, "seconds")).read()) if os.path.exists(os.path.join(folder, "seconds")) else float("nan")
    masks = os.path.join(folder + ".work", "phantom", "masks")
    positive = metrics.get("positive_class", "GIST")
    fractions = {c["case_id"]: png_gray_fraction(os.path.join(masks, c["case_id"] + ".png"))
                 for c in cases if c["label"] == positive and os.path.exists(os.path.join(masks, c["case_id"] + ".png"))}
    rows = []
    gist = [c for c in cases if c["label"] == positive]
    fraction = statistics.mean(fractions.values()) if fractions else float("nan")
    for model in metrics["models"]:
        name = model["name"]
        scored = [c for c in gist if c.get(f"{name}_cam_energy")]
        energy = statistics.mean(float(c[f"{name}_cam_energy"]) for c in scored) if scored else float("nan")
        hits = [c[f"{name}_cam_hit"] == "1" for c in scored]
        rows.append(dict(network=name, accuracy=model["proportions"]["accuracy"]["value"], auc=model["auc"]["value"],
                         energy=energy, fraction=fraction, ratio=energy / fraction if fraction else float("nan"),
                         pointing=sum(hits) / len(hits) if hits else float("nan"), blank=len(gist) - len(scored), seconds=seconds))
    return rows, metrics


def verdict(metrics):
    """The report's rule (ReportContext.pairedSentence): a difference when either paired test
    has p < 0.05; which network is ahead is read from the AUC difference (a − b)."""
    comparisons = metrics.get("comparisons") or []
    if not comparisons:
        return "–", None, None
    c = comparisons[0]
    p_delong, p_mcnemar = c["delong"].get("p"), c["mcnemar"]["exact_p"]
    if (p_delong is not None and p_delong < 0.05) or p_mcnemar < 0.05:
        ahead = c["a"] if c["delong"]["auc_diff"] > 0 else c["b"]
        return f"difference ({ahead} ahead)", p_delong, p_mcnemar
    return "no significant difference", p_delong, p_mcnemar


def main(folders):
    table, verdicts = [], []
    for folder in folders:
        seed = os.path.basename(folder.rstrip("/"))
        rows, metrics = seed_rows(folder)
        for r in rows:
            table.append((seed, r))
        verdicts.append((seed,) + verdict(metrics))
    print("| seed | network | accuracy | AUC | energy in mask (GIST) | mask area (GIST) | ratio | pointing game | blank GIST maps | demo wall time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed, r in table:
        print(f"| {seed} | {r['network']} | {r['accuracy']:.3f} | {r['auc']:.3f} | {r['energy']:.3f} | {r['fraction']:.3f} | {r['ratio']:.1f}× | "
              f"{r['pointing']:.3f} | {r['blank']} | {r['seconds']:.0f} s |")
    for network in sorted({r["network"] for _, r in table}):
        rs = [r for _, r in table if r["network"] == network]
        print(f"| mean ± SD | {network} | {mean_sd([r['accuracy'] for r in rs])} | {mean_sd([r['auc'] for r in rs])} | "
              f"{mean_sd([r['energy'] for r in rs])} | {mean_sd([r['fraction'] for r in rs])} | {mean_sd([r['ratio'] for r in rs])} | "
              f"{mean_sd([r['pointing'] for r in rs])} | | {mean_sd([r['seconds'] for r in rs])} |")
    print()
    print("| seed | verdict | DeLong p | McNemar exact p |")
    print("|---|---|---|---|")
    for seed, text, p1, p2 in verdicts:
        print(f"| {seed} | {text} | {'–' if p1 is None else f'{p1:.3f}'} | {'–' if p2 is None else f'{p2:.3f}'} |")


if __name__ == "__main__":
    main(sys.argv[1:])
