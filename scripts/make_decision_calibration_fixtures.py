"""Reference values for decision curves and logistic recalibration.

Writes two fixtures of Tests/EUSStatsTests/Fixtures/:
  - decision_curve.json: Python `dcurves.dca(...)` (net benefit of each model and of treat all,
    net interventions avoided per 100 with nper=100) on fixed cases;
  - calibration_glm.json: statsmodels `GLM(y, X, family=Binomial())` fits of the logistic
    recalibration logit P(y=1) = a + b*logit(p) (the slope, X = [1, logit p]) and of
    calibration-in-the-large (X = 1, offset = logit p), with their Wald 95% CIs
    (`conf_int(alpha=0.05)`), fitted with `.fit(tol=1e-14)` (see TOL below), and the expected
    calibration error over 10 equal-width bins.

Cases are fixed: the n29 and ties cases of delong_paired.json (pROC's reference set) and
numbers drawn here from numpy's Generator(PCG64) with the seeds written below, rounded to
6 decimals (so the JSON holds exactly the values used). Probabilities of exactly 0 or 1 are
clipped to [1e-6, 1 - 1e-6] before the logit, as EUSStats.CalibrationFit documents.

Usage: python3 scripts/make_decision_calibration_fixtures.py FIXTURES_DIR
(needs numpy, pandas, statsmodels and dcurves; the versions are written into the JSON)."""
import json
import platform
import sys
from pathlib import Path

import dcurves
import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from importlib.metadata import version

CLIP = 1e-6
# statsmodels stops IRLS when the deviance changes by less than tol (default 1e-8) and takes
# the standard errors from the weights of its last step; near separation that leaves them
# about 4e-6 from the standard errors at the maximum-likelihood fit (its own method='newton'
# gives the latter), so the fits here run to tol = 1e-14, one step more. The estimates at the
# default tol agree with these to 1e-6.
TOL = 1e-14


def paired_case(name):
    here = Path(__file__).resolve().parent.parent / "Tests/EUSStatsTests/Fixtures/delong_paired.json"
    case = next(c for c in json.loads(here.read_text())["cases"] if c["name"] == name)
    return case["labels"], case["scores_a"], case["scores_b"]


def drawn(seed, n, prevalence, sharpness_a, sharpness_b):
    """Labels and two models' scores: logit p = sharpness * (latent), latent shifted by the label."""
    rng = np.random.Generator(np.random.PCG64(seed))
    labels = (rng.random(n) < prevalence).astype(int)
    latent = rng.normal(size=n) + np.where(labels == 1, 1.0, -1.0)
    noise = rng.normal(size=n)
    a = 1 / (1 + np.exp(-sharpness_a * latent))
    b = 1 / (1 + np.exp(-sharpness_b * (latent + noise)))
    return labels.tolist(), np.round(a, 6).tolist(), np.round(b, 6).tolist()


def decision_cases():
    cases = []
    labels, a, b = paired_case("n29")
    cases.append(dict(name="n29", labels=labels, models={"resnet34": a, "resnet50": b},
                      thresholds=[i / 100 for i in range(1, 100)]))
    labels, a, b = drawn(seed=16, n=80, prevalence=0.3, sharpness_a=1.5, sharpness_b=0.8)
    # Scores exactly on thresholds (called positive: p >= p_t), and exactly 0 and 1.
    a[:6] = [0.0, 1.0, 0.25, 0.5, 0.05, 0.95]
    b[:6] = [1.0, 0.0, 0.25, 0.5, 0.3, 0.7]
    cases.append(dict(name="n80_edges", labels=labels, models={"sharp": a, "flat": b},
                      thresholds=[i / 100 for i in range(1, 100)]))
    labels, a, b = paired_case("ties")
    cases.append(dict(name="ties_coarse_grid", labels=labels, models={"a": a, "b": b},
                      thresholds=[i * 5 / 100 for i in range(1, 13)]))
    for case in cases:
        frame = pd.DataFrame({"outcome": case["labels"], **case["models"]})
        result = dcurves.dca(data=frame, outcome="outcome", modelnames=list(case["models"]),
                             thresholds=case["thresholds"], nper=100)
        case["net_benefit"] = {}
        case["interventions_avoided_per_100"] = {}
        for model in list(case["models"]) + ["all", "none"]:
            rows = result[result["model"] == model].sort_values("threshold")
            assert np.allclose(rows["threshold"].to_numpy(), case["thresholds"], rtol=0, atol=0)
            case["net_benefit"][model] = rows["net_benefit"].astype(float).tolist()
            case["interventions_avoided_per_100"][model] = rows["net_intervention_avoided"].astype(float).tolist()
        case["prevalence"] = float(np.mean(case["labels"]))
    return cases


def fit(labels, scores):
    y = np.asarray(labels, dtype=float)
    p = np.clip(np.asarray(scores, dtype=float), CLIP, 1 - CLIP)
    lp = np.log(p / (1 - p))
    slope = sm.GLM(y, sm.add_constant(lp, has_constant="add"), family=sm.families.Binomial()).fit(tol=TOL)
    large = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=lp).fit(tol=TOL)
    edges = np.arange(11) / 10
    bins = np.array([int(np.sum(v >= edges[1:-1])) for v in np.asarray(scores, dtype=float)])
    ece = 0.0
    for k in range(10):
        inside = bins == k
        if inside.any():
            ece += inside.sum() / len(y) * abs(np.mean(np.asarray(scores)[inside]) - np.mean(y[inside]))
    return dict(
        slope_fit=dict(intercept=float(slope.params[0]), slope=float(slope.params[1]),
                       intercept_ci=slope.conf_int(alpha=0.05)[0].tolist(),
                       slope_ci=slope.conf_int(alpha=0.05)[1].tolist(),
                       se=slope.bse.tolist(), iterations=int(slope.fit_history["iteration"]),
                       deviance=float(slope.deviance)),
        intercept_fit=dict(intercept=float(large.params[0]), intercept_ci=large.conf_int(alpha=0.05)[0].tolist(),
                           se=float(large.bse[0]), iterations=int(large.fit_history["iteration"])),
        ece=float(ece),
        clipped=int(np.sum((np.asarray(scores) < CLIP) | (np.asarray(scores) > 1 - CLIP))))


def calibration_cases():
    cases = []
    labels, a, b = paired_case("n29")
    cases.append(dict(name="n29_resnet34", labels=labels, scores=a))
    cases.append(dict(name="n29_resnet50", labels=labels, scores=b))
    rng = np.random.Generator(np.random.PCG64(1601))
    q = np.round(rng.random(200), 6)
    cases.append(dict(name="well_calibrated_n200", labels=(rng.random(200) < q).astype(int).tolist(),
                      scores=q.tolist()))
    rng = np.random.Generator(np.random.PCG64(1602))
    q = rng.random(120)
    over = np.round(1 / (1 + np.exp(-3 * np.log(q / (1 - q)))), 6)
    cases.append(dict(name="overconfident_n120", labels=(rng.random(120) < q).astype(int).tolist(),
                      scores=over.tolist()))
    # Near separation: every positive above every negative except one pair.
    neg = [0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.72]
    pos = [0.68, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995]
    cases.append(dict(name="near_separation_n20", labels=[0] * 10 + [1] * 10, scores=neg + pos))
    labels, a, b = drawn(seed=1603, n=40, prevalence=0.5, sharpness_a=2.0, sharpness_b=1.0)
    a[:4] = [0.0, 1.0, 1.0, 0.0]
    cases.append(dict(name="exact_zero_and_one_n40", labels=labels, scores=a))
    cases.append(dict(name="small_n12", labels=[1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1],
                      scores=[0.9, 0.4, 0.6, 0.35, 0.2, 0.55, 0.8, 0.1, 0.45, 0.3, 0.65, 0.7]))
    for case in cases:
        case.update(fit(case["labels"], case["scores"]))
    return cases


def main(out_dir):
    out = Path(out_dir)
    versions = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
                "dcurves": version("dcurves"), "statsmodels": statsmodels.__version__}
    (out / "decision_curve.json").write_text(json.dumps(
        {"source": "dcurves.dca(data, outcome, modelnames, thresholds, nper=100); "
                   "scripts/make_decision_calibration_fixtures.py",
         "versions": versions, "cases": decision_cases()}, indent=1) + "\n")
    (out / "calibration_glm.json").write_text(json.dumps(
        {"source": "statsmodels GLM(y, [1, logit p], Binomial()).fit(tol=1e-14) and GLM(y, 1, Binomial(), offset=logit p).fit(tol=1e-14), "
                   "conf_int(alpha=0.05); scripts/make_decision_calibration_fixtures.py",
         "clip": CLIP, "versions": versions, "cases": calibration_cases()}, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
