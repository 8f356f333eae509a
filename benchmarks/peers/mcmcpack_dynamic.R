# MCMCpack::MCMCdynamicIRT1d, the dynamic (random-walk) ideal-point model of
# Martin and Quinn (2002), on a member x roll-call matrix spanning several periods.
#
# Rscript mcmcpack_dynamic.R votes=PATH periods=PATH out=PATH timing=PATH
#     mcmc=N burnin=N thin=N seed=N tau2=X anchor=CODE|""
# `periods` holds one column `period` (1..T), one row per roll call (matrix column).
# Writes member,period,ideal (posterior means) to `out` and the seconds spent in
# MCMCdynamicIRT1d() alone to `timing`.

local({
  script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  source(file.path(dirname(script), "common.R"))
})
opts <- peer_options()
suppressPackageStartupMessages(library(MCMCpack))

y <- read_binary_votes(opts$votes)
period <- as.integer(utils::read.csv(opts$periods)$period)

constraints <- list()
if (nzchar(opts$anchor) && opts$anchor %in% rownames(y)) {
  constraints[[opts$anchor]] <- "+"
}

# Priors as in the package documentation's example (Rehnquist court): N(0, 1)
# item parameters, N(0, 1) initial ideal points, evolution variance held fixed
# (c0 = d0 = -1) at tau2.
elapsed <- system.time(
  post <- MCMCdynamicIRT1d(y,
                           item.time.map = period,
                           theta.constraints = constraints,
                           burnin = as.integer(opts$burnin),
                           mcmc = as.integer(opts$mcmc),
                           thin = as.integer(opts$thin),
                           verbose = 0,
                           seed = as.integer(opts$seed),
                           tau2.start = rep(as.numeric(opts$tau2), nrow(y)),
                           e0 = 0, E0 = 1,
                           a0 = 0, A0 = 1,
                           b0 = 0, B0 = 1,
                           c0 = -1, d0 = -1,
                           store.item = FALSE, store.ability = TRUE)
)[["elapsed"]]

means <- colMeans(post)
pattern <- "^theta\\.(.*)\\.t([0-9]+)$"
theta <- means[grepl(pattern, names(means))]
utils::write.csv(data.frame(member = sub(pattern, "\\1", names(theta)),
                            period = as.integer(sub(pattern, "\\2", names(theta))),
                            ideal = unname(theta)),
                 opts$out, row.names = FALSE)
write_timing(elapsed, opts$timing)
