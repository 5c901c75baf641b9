"""Bad client: polls its order in a tight loop (breaks poll-interval)."""

from base import Client, main


class TightPoller(Client):
    poll_s = 0.0


if __name__ == "__main__":
    main(TightPoller)
