"""`python -m salessprint` runs the command line."""

from salessprint.cli import main

main()
