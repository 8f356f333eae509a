# pscl::ideal, the static Bayesian (probit) ideal-point model, on one vote matrix.
#
# Rscript pscl_ideal.R votes=PATH out=PATH timing=PATH
#     maxiter=N burnin=N thin=N seed=N anchor=CODE|""
# Writes member,ideal (posterior means) to `out` and the seconds spent in ideal()
# alone to `timing`.

local({
  script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  source(file.path(dirname(script), "common.R"))
})
opts <- peer_options()
suppressPackageStartupMessages(library(pscl))

y <- read_binary_votes(opts$votes)
rc <- rollcall(y, yea = 1, nay = 0, missing = NA, notInLegis = 9,
               legis.names = rownames(y), vote.names = colnames(y))

set.seed(as.integer(opts$seed))
elapsed <- system.time(
  fit <- ideal(rc,
               dropList = list(codes = "notInLegis", lop = 0),
               d = 1,
               maxiter = as.integer(opts$maxiter),
               burnin = as.integer(opts$burnin),
               thin = as.integer(opts$thin),
               normalize = TRUE,
               verbose = FALSE)
)[["elapsed"]]

ideal_point <- fit$xbar[, 1]
names(ideal_point) <- rownames(fit$xbar)
anchor <- opts$anchor
if (nzchar(anchor) && anchor %in% names(ideal_point) && ideal_point[[anchor]] < 0) {
  ideal_point <- -ideal_point  # the model is identified only up to reflection
}

utils::write.csv(data.frame(member = names(ideal_point), ideal = unname(ideal_point)),
                 opts$out, row.names = FALSE)
write_timing(elapsed, opts$timing)
