# Reference values for the power of the paired DeLong comparison of two ROC curves:
# Tests/EUSStatsTests/Fixtures/power_roc.json.
#
# R pROC's power.roc.test(roc1, roc2, ...) with its default method = "delong" (Obuchowski's
# formulas with DeLong's variances and covariance of the two AUCs, scaled by the number of
# cases), on the ties, n29 and n142 cases of delong_paired.json (pROC's reference set), both
#   - the power at the observed number of cases (sig.level = 0.05, two-sided), and
#   - the number of cases and controls for a given power (0.8 and 0.9), kappa = the
#     observed controls/cases ratio,
# and in both orders of the two curves (roc1 is the one whose variance enters v0).
#
# Usage: Rscript scripts/make_power_fixture.R Tests/EUSStatsTests/Fixtures/delong_paired.json OUT.json
# (needs pROC and jsonlite; the versions are written into the JSON).
suppressPackageStartupMessages({ library(pROC); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
reference <- fromJSON(args[1], simplifyVector = TRUE)
cases <- reference$cases
out <- list()
for (name in c("ties", "n29", "n142", "inverted")) {
  c <- cases[cases$name == name, ]
  labels <- unlist(c$labels); a <- unlist(c$scores_a); b <- unlist(c$scores_b)
  for (order in c("ab", "ba")) {
    s1 <- if (order == "ab") a else b
    s2 <- if (order == "ab") b else a
    r1 <- roc(labels, s1, levels = c(0, 1), direction = "<", quiet = TRUE)
    r2 <- roc(labels, s2, levels = c(0, 1), direction = "<", quiet = TRUE)
    at_n <- power.roc.test(r1, r2, sig.level = 0.05)
    n80 <- power.roc.test(r1, r2, sig.level = 0.05, power = 0.8)
    n90 <- power.roc.test(r1, r2, sig.level = 0.05, power = 0.9)
    one_sided <- power.roc.test(r1, r2, sig.level = 0.05, alternative = "one.sided")
    out[[length(out) + 1]] <- list(
      name = paste0(name, "_", order), labels = labels, scores_1 = s1, scores_2 = s2,
      auc1 = as.numeric(r1$auc), auc2 = as.numeric(r2$auc),
      ncases = length(r1$cases), ncontrols = length(r1$controls),
      power = at_n$power, power_one_sided = one_sided$power,
      ncases_80 = n80$ncases, ncontrols_80 = n80$ncontrols,
      ncases_90 = n90$ncases, ncontrols_90 = n90$ncontrols)
  }
}
versions <- list(R = paste(R.version$major, R.version$minor, sep = "."),
                 pROC = as.character(packageVersion("pROC")),
                 jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(list(source = "pROC power.roc.test(roc1, roc2, sig.level = 0.05[, power]); scripts/make_power_fixture.R",
                       versions = versions, cases = out),
                  auto_unbox = TRUE, digits = NA, pretty = TRUE), args[2])
