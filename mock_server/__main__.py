"""`python -m mock_server` runs the command line."""

from mock_server.cli import main

main()
