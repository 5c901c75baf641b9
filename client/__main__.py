"""`python -m client`: the command line of the reference client."""

import sys

from client.cli import main

sys.exit(main())
