"""Writes a fake evaluation folder (29 validation cases, phantom-like images, Grad-CAM-like
overlays, histories, configs, eval.json) and the bare two-model predictions CSV that
EUSReportTests uses as predictions_two_models.csv.

Usage: python make_fake_evaluation.py OUT_DIR   (needs numpy and Pillow)
"""
import numpy as np, os, json, csv, sys
from PIL import Image
rng = np.random.default_rng(7)
root = sys.argv[1] if len(sys.argv) > 1 else 'fake-report-input'
out = os.path.join(root, 'eval')
os.makedirs(out + '/images', exist_ok=True)
cases = [('G%02d' % i, 'GIST') for i in range(1, 15)] + [('L%02d' % i, 'LM') for i in range(1, 16)]
def prob(pos, acc_shift):
    base = rng.beta(6, 2) if pos else rng.beta(2, 6)
    return float(np.clip(base, 0.01, 0.99))
p34 = {}; p50 = {}
wrong34 = {'G03', 'G11', 'L07'}; wrong50 = {'G03', 'G08', 'L02', 'L07', 'L12'}
for cid, lab in cases:
    pos = lab == 'GIST'
    a = prob(pos, 0); b = prob(pos, 0)
    if cid in wrong34: a = 1 - a
    if cid in wrong50: b = 1 - b
    if (a >= .5) != pos and cid not in wrong34: a = 1 - a
    if (b >= .5) != pos and cid not in wrong50: b = 1 - b
    p34[cid] = round(a, 4); p50[cid] = round(b, 4)
# images
def jet(v):
    r = np.clip(1.5 - np.abs(4*v - 3), 0, 1); g = np.clip(1.5 - np.abs(4*v - 2), 0, 1); b = np.clip(1.5 - np.abs(4*v - 1), 0, 1)
    return np.stack([r, g, b], -1)
yy, xx = np.mgrid[0:256, 0:256]
sha = {}
loc = {cid: (float(rng.uniform(0.35, 0.8)), float(rng.uniform(0.2, 0.7))) for cid, _ in cases}
for cid, lab in cases:
    cx, cy = rng.integers(90, 170, 2)
    r = 45 if lab == 'GIST' else 30
    img = 110 + 30*rng.standard_normal((256,256))
    lesion = ((xx-cx)**2 + (yy-cy)**2) < r*r
    img[lesion] *= 0.45
    disc = ((xx-128)**2 + (yy-128)**2) < 18**2
    img[disc] = 0
    fov = ((xx-128)**2 + (yy-128)**2) > 125**2
    img[fov] = 0
    img = np.clip(img, 0, 255).astype(np.uint8)
    Image.fromarray(img).save(f'{out}/images/{cid}.png')
    sha[cid] = '%064x' % rng.integers(0, 2**62)
    for m, shift in (('resnet34', 0), ('resnet50', 25)):
        os.makedirs(f'{out}/cams/{m}', exist_ok=True)
        cam = np.exp(-(((xx-cx-shift*rng.random())**2 + (yy-cy)**2) / (2*(r*1.2)**2)))
        rgb = np.repeat(img[..., None], 3, -1) / 255.0
        ov = (0.5*rgb + 0.5*jet(cam)) * 255
        Image.fromarray(ov.astype(np.uint8)).save(f'{out}/cams/{m}/{cid}.png')
with open(f'{out}/predictions.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['case_id', 'label', 'resnet34', 'resnet50', 'resnet34_call', 'resnet50_call', 'resnet34_correct', 'resnet50_correct', 'resnet34_cam_energy', 'resnet50_cam_energy', 'resnet34_cam_hit', 'resnet50_cam_hit', 'path'])
    for cid, lab in cases:
        c34 = 'GIST' if p34[cid] >= .5 else 'LM'; c50 = 'GIST' if p50[cid] >= .5 else 'LM'
        e34, e50 = loc[cid]
        w.writerow([cid, lab, p34[cid], p50[cid], c34, c50, int(c34 == lab), int(c50 == lab), f'{e34:.4f}', f'{e50:.4f}', int(e34 > 0.45), int(e50 > 0.45), f'images/{cid}.png'])
with open(os.path.join(root, 'predictions_two_models.csv'), 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['case_id', 'label', 'resnet34', 'resnet50'])
    for cid, lab in cases: w.writerow([cid, lab, p34[cid], p50[cid]])
os.makedirs(out + '/histories', exist_ok=True); os.makedirs(out + '/configs', exist_ok=True)
for m, k in (('resnet34', 1.0), ('resnet50', 1.15)):
    with open(f'{out}/histories/{m}.csv', 'w') as f:
        f.write('epoch,train_loss,train_accuracy,lr,seconds\n')
        for e in range(1, 21):
            loss = 0.7*np.exp(-e/6*k) + 0.08 + 0.02*rng.random(); acc = 1 - loss*0.75
            f.write(f'{e},{loss:.4f},{acc:.4f},{0.01*0.5*(1+np.cos(np.pi*e/20)):.5f},{12.3*k+rng.random():.2f}\n')
    json.dump({'arch': m, 'epochs': 20, 'batch_size': 16, 'optimizer': 'sgd', 'lr': 0.01, 'momentum': 0.9, 'weight_decay': 1e-4, 'seed': 1, 'augmentation': {'hflip': True, 'rotation': 15}}, open(f'{out}/configs/{m}.json', 'w'), indent=2)
ev = {"data": {"root": os.path.abspath(out), "synthetic": True, "positive_class": "GIST", "negative_class": "LM",
          "counts": {"train": {"GIST": 55, "LM": 58}, "validation": {"GIST": 14, "LM": 15}}, "excluded": 0, "image_sha256": sha},
 "split": {"ratio": 0.8, "seed": 1, "method": "stratified single hold-out"},
 "models": [{"name": "resnet34", "arch": "resnet34", "weights": "runs/resnet34/model.safetensors", "parameters": 21285698, "flops": 7.34e9, "image_size": 224, "train_seconds": 246.1, "epochs": 20},
            {"name": "resnet50", "arch": "resnet50", "weights": "runs/resnet50/model.safetensors", "parameters": 23512130, "flops": 8.22e9, "image_size": 224, "train_seconds": 283.0, "epochs": 20}],
 "cam": {"method": "gradcam", "target": "positive", "layer": "layer4.2", "alpha": 0.5},
 "threshold": 0.5, "seed": 1, "software": {"swift": "6.3.1", "openblas": "OpenBLAS 0.3.21", "cairo": "1.16.0", "eus_report": "0.1.0"},
 "machine": {"cpu": "2 cores x86_64", "memory_gib": 24, "os": "Debian 12"},
 "steps": [{"name": "synth", "seconds": 3.2}, {"name": "split", "seconds": 0.1}, {"name": "train resnet34", "seconds": 246.1}, {"name": "train resnet50", "seconds": 283.0}, {"name": "evaluate", "seconds": 21.7}]}
json.dump(ev, open(f'{out}/eval.json', 'w'), indent=1)
print(sum((p34[c] >= .5) == (l == 'GIST') for c, l in cases), sum((p50[c] >= .5) == (l == 'GIST') for c, l in cases))
