"""Good client that leaves a child running in the background, holding its output open."""

import subprocess
import sys

from base import Client, main


class LeavesAChild(Client):
    def run(self) -> int:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print("child", child.pid, flush=True)
        return super().run()


if __name__ == "__main__":
    main(LeavesAChild)
