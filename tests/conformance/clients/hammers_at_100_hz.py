"""Bad client: polls its order every 10 ms, 100 reads a second (breaks poll-interval)."""

from base import Client, main


class HammersAt100Hz(Client):
    poll_s = 0.01


if __name__ == "__main__":
    main(HammersAt100Hz)
