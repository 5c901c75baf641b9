"""Good client: when its token is refused (401), renews it instead of logging in again."""

from base import Client, main


class RenewsOn401(Client):
    def reauthenticate(self) -> None:
        # An expired token may still be renewed: the answer carries a new one.
        self.send("GET", "/v2/sso/token/renew")


if __name__ == "__main__":
    main(RenewsOn401)
