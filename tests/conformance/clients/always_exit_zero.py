"""Bad client: exits 0 whatever became of its order (breaks final-status-reported)."""

from base import Client, main


class AlwaysExitZero(Client):
    def run(self) -> int:
        super().run()
        return 0


if __name__ == "__main__":
    main(AlwaysExitZero)
