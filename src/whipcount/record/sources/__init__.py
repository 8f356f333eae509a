"""Readers, one module per source format; :mod:`.registry` detects which reads a file."""
