"""`python -m integral_mock` and the `integral-mock` command: gevent patches, then the CLI."""

from __future__ import annotations

import sys


def console() -> None:
    if sys.argv[1:2] == ["serve"]:
        from gevent import monkey

        # Before anything imports ssl, socket or threading, as gevent asks: `serve` runs a
        # gevent worker, and modules imported unpatched keep blocking calls.
        monkey.patch_all()
    from integral_mock.cli import main

    main()


if __name__ == "__main__":
    console()
