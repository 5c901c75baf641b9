"""Where one spot-rate request's time goes, in-process: 500 requests under cProfile."""

from __future__ import annotations

import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from integral_mock.app import create_app
from integral_mock.config import Config

LOGIN = {"user": "apiUserId", "pass": "This is a long password!", "org": "apiOrganizationId"}


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        # A state file, as `serve` has: WAL commits cost what they cost there.
        app = create_app(Config.default(database=str(Path(directory) / "state.sqlite3")))
        client = app.test_client()
        token = client.post("/v2/sso/login", json=LOGIN).headers["SSO_TOKEN"]

        def run(n: int) -> None:
            for _ in range(n):
                client.get("/v2/rates/spot?symbol=EUR%2FUSD", headers={"SSO_TOKEN": token})

        run(50)  # warm: the spec's validators, the price noise cache
        started = time.perf_counter()
        run(500)
        print(f"{(time.perf_counter() - started) / 500 * 1000:.2f} ms per request, unprofiled")
        profile = cProfile.Profile()
        profile.runcall(run, 500)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats("integral_mock|mock_server", 30)


if __name__ == "__main__":
    main()
