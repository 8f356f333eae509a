"""``python -m whipcount``: the command line."""

from whipcount.cli import main

main()
