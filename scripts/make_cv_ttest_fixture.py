"""Reference values for the corrected resampled t-test: Tests/EUSStatsTests/Fixtures/corrected_ttest.json.

The test statistic comes from scikit-learn's example "Statistical comparison of models using
grid search" (examples/model_selection/plot_grid_search_stats.py): its functions
`corrected_std` and `compute_corrected_ttest` are written out below from the example's
formula, with the example's names, so the fixture is that computation in NumPy and SciPy,
independent of the Swift code. Around them, this script adds only what the example
leaves to its reader:
  - p, the two-sided p-value: twice the example's one-tailed `t.sf(|t|, df)`;
  - ci, the 95% interval of the mean difference: mean ± t.ppf(0.975, df) · corrected_std,
    with scipy's `t.ppf`.
The per-fold scores are fixed numbers, written out below (nothing is random), for 5×1, 5×2,
10×3 and 2×1 folds, with differences of one sign and of both signs, integer and fractional
(mean over folds) n_train and n_test, and p from about 0.9 down to about 1e-6.

Usage: python3 scripts/make_cv_ttest_fixture.py OUT.json
(needs numpy, scipy and scikit-learn; the versions used are written into the JSON)."""
import json
import platform
import sys

import numpy as np
import scipy
import sklearn
from scipy.stats import t


# The two functions of scikit-learn's example, written out here from its formula (the
# example's current text, with the factor 1/kr + n_test/n_train after Bouckaert & Frank 2004;
# an older text had 1/n with n = n_train + n_test): the sample variance of the per-fold
# differences (ddof = 1), scaled by 1/kr + n_test/n_train, and t = mean / corrected SD with the
# example's right-tailed p = t.sf(|t|, df).
def corrected_std(differences, n_train, n_test):
    """Nadeau and Bengio's corrected standard deviation of the per-fold differences."""
    kr = len(differences)
    return np.sqrt(np.var(differences, ddof=1) * (1 / kr + n_test / n_train))


def compute_corrected_ttest(differences, df, n_train, n_test):
    """The corrected t statistic and the example's one-tailed p-value."""
    t_stat = np.mean(differences) / corrected_std(differences, n_train, n_test)
    return t_stat, t.sf(np.abs(t_stat), df)


def accuracies(correct, sizes):
    """Per-fold accuracy: correct cases over the fold's size, repeated over repeats."""
    return [c / s for c, s in zip(correct, sizes)]


# 142 cases (the study's size) in 5 folds of 29, 29, 28, 28, 28: n_test is the mean fold size
# 28.4 and n_train = 142 - 28.4 = 113.6, as CrossValidation computes them.
SIZES_142 = [29, 29, 28, 28, 28]
# 150 cases in 10 folds of 15, three times.
SIZES_150 = [15] * 30

CASES = [
    # ResNet-34 never worse than ResNet-50: one sign only.
    dict(name="accuracy_5x1", folds=5, repeats=1, n_train=113.6, n_test=28.4,
         scores_a=accuracies([26, 25, 24, 25, 23], SIZES_142),
         scores_b=accuracies([24, 25, 22, 24, 23], SIZES_142)),
    # B better on average: a negative t and an interval below zero's side.
    dict(name="accuracy_5x1_b_better", folds=5, repeats=1, n_train=113.6, n_test=28.4,
         scores_a=accuracies([22, 24, 21, 23, 22], SIZES_142),
         scores_b=accuracies([25, 26, 24, 24, 25], SIZES_142)),
    # AUC over 5 folds twice, both signs, integer n_train and n_test.
    dict(name="auc_5x2", folds=5, repeats=2, n_train=120, n_test=30,
         scores_a=[0.912, 0.874, 0.938, 0.861, 0.905, 0.889, 0.921, 0.853, 0.897, 0.930],
         scores_b=[0.884, 0.891, 0.902, 0.847, 0.866, 0.901, 0.879, 0.860, 0.871, 0.915]),
    # 10 folds three times, both signs, mean close to zero: p near 1.
    dict(name="accuracy_10x3", folds=10, repeats=3, n_train=135, n_test=15,
         scores_a=accuracies([13, 12, 14, 11, 13, 12, 13, 14, 12, 11,
                              12, 13, 13, 12, 14, 11, 12, 13, 14, 12,
                              13, 12, 11, 13, 14, 12, 13, 12, 13, 12], SIZES_150),
         scores_b=accuracies([12, 13, 13, 12, 13, 11, 14, 13, 12, 12,
                              13, 12, 14, 12, 13, 12, 11, 13, 13, 13,
                              12, 13, 12, 12, 13, 13, 12, 13, 12, 12], SIZES_150)),
    # 10 folds three times, a clear and consistent difference: p in the far tail.
    dict(name="auc_10x3_strong", folds=10, repeats=3, n_train=135, n_test=15,
         scores_a=[0.95, 0.93, 0.96, 0.94, 0.97, 0.92, 0.95, 0.96, 0.94, 0.93,
                   0.96, 0.94, 0.95, 0.93, 0.97, 0.95, 0.94, 0.96, 0.92, 0.95,
                   0.94, 0.96, 0.95, 0.93, 0.94, 0.97, 0.95, 0.94, 0.96, 0.93],
         scores_b=[0.90, 0.90, 0.88, 0.88, 0.95, 0.85, 0.91, 0.91, 0.85, 0.90,
                   0.90, 0.93, 0.90, 0.86, 0.93, 0.87, 0.91, 0.91, 0.86, 0.93,
                   0.87, 0.92, 0.90, 0.90, 0.88, 0.89, 0.93, 0.89, 0.92, 0.87]),
    # Two folds: df = 1, the heaviest-tailed t.
    dict(name="accuracy_2x1", folds=2, repeats=1, n_train=71, n_test=71,
         scores_a=accuracies([62, 60], [71, 71]),
         scores_b=accuracies([58, 59], [71, 71])),
]


def reference(case):
    differences = np.array(case["scores_a"]) - np.array(case["scores_b"])
    assert len(differences) == case["folds"] * case["repeats"]
    df = len(differences) - 1
    t_stat, p_one_tail = compute_corrected_ttest(differences, df, case["n_train"], case["n_test"])
    std = corrected_std(differences, case["n_train"], case["n_test"])
    mean = np.mean(differences)
    half = t.ppf(0.975, df) * std
    return dict(case, differences=[float(d) for d in differences], df=df,
                mean_difference=float(mean), sd=float(np.std(differences, ddof=1)),
                corrected_sd=float(std), t=float(t_stat), p_one_tail=float(p_one_tail),
                p=float(2 * p_one_tail), t_critical=float(t.ppf(0.975, df)),
                ci=[float(mean - half), float(mean + half)])


def main():
    out = sys.argv[1]
    document = dict(
        source="scripts/make_cv_ttest_fixture.py: corrected_std and compute_corrected_ttest as in "
               "scikit-learn examples/model_selection/plot_grid_search_stats.py; p = 2 * p_one_tail; "
               "ci = mean_difference -/+ scipy.stats.t.ppf(0.975, df) * corrected_sd",
        versions={"python": platform.python_version(), "numpy": np.__version__,
                  "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
        alpha=0.05,
        cases=[reference(case) for case in CASES])
    with open(out, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
