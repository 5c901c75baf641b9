"""`python -m integral_mock.client`: the command line of the reference client."""

import sys

from integral_mock.client.cli import main

sys.exit(main())
