# Shared helpers for the peer scripts run by benchmarks/peers.py.

# Options arrive as key=value command-line arguments; returns a named list of strings.
peer_options <- function() {
  args <- commandArgs(trailingOnly = TRUE)
  keys <- sub("=.*$", "", args)
  values <- sub("^[^=]*=", "", args)
  stats::setNames(as.list(values), keys)
}

# A member x roll-call matrix of 1 (yes), 0 (no or abstain) and NA, with names.
read_binary_votes <- function(path) {
  frame <- utils::read.csv(path, row.names = 1, check.names = FALSE,
                           colClasses = "character", na.strings = "NA")
  y <- matrix(as.integer(as.matrix(frame)), nrow = nrow(frame),
              dimnames = list(rownames(frame), colnames(frame)))
  y
}

write_timing <- function(seconds, path) {
  writeLines(format(seconds, digits = 17), path)
}
