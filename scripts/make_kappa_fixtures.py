#!/usr/bin/env python3
"""Reference values for Cohen's and Fleiss' kappa (Tests/EUSStatsTests/Fixtures/kappa.json).

    python3 scripts/make_kappa_fixtures.py Tests/EUSStatsTests/Fixtures/kappa.json

Cohen's kappa, its asymptotic variance and the 95% interval come from statsmodels
`stats.inter_rater.cohens_kappa(table)` (simple kappa: `kappa`, `var_kappa`, `std_kappa`,
`kappa_low`, `kappa_upp`); Fleiss' kappa from `fleiss_kappa(table, method="fleiss")`. The
tables are fixed by a seeded numpy generator, with hand-picked edge cases (perfect agreement,
agreement below chance, a 3-category table). The versions are written into the JSON.
"""
import json
import sys

import numpy as np
import statsmodels
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa


def cohen_case(table):
    result = cohens_kappa(np.asarray(table, float))
    return {"table": table, "kappa": float(result["kappa"]), "var_kappa": float(result["var_kappa"]),
            "std_kappa": float(result["std_kappa"]), "kappa_low": float(result["kappa_low"]),
            "kappa_upp": float(result["kappa_upp"])}


def main(out):
    rng = np.random.default_rng(17)
    tables = [[[20, 5], [10, 15]], [[12, 2], [3, 12]], [[14, 0], [0, 15]], [[2, 11], [12, 4]],
              [[25, 1], [1, 2]], [[10, 3, 1], [2, 8, 2], [0, 3, 9]]]
    for _ in range(6):
        tables.append(rng.integers(0, 20, size=(2, 2)).tolist())
    cohen = [cohen_case(t) for t in tables]
    fleiss_tables = [[[3, 0], [0, 3], [2, 1], [1, 2]]]
    for raters, subjects in [(3, 29), (6, 29), (2, 15), (4, 40)]:
        positives = rng.integers(0, raters + 1, size=subjects)
        fleiss_tables.append([[int(p), int(raters - p)] for p in positives])
    fleiss = [{"table": t, "kappa": float(fleiss_kappa(np.asarray(t), method="fleiss"))} for t in fleiss_tables]
    document = {
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "statsmodels": statsmodels.__version__},
        "source": "statsmodels.stats.inter_rater.cohens_kappa (simple, asymptotic variance, alpha 0.05) and fleiss_kappa(method='fleiss')",
        "cohen": cohen, "fleiss": fleiss}
    with open(out, "w") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
