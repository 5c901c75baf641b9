"""`python -m integral_mock` runs the command line."""

from integral_mock.cli import main

main()
