"""Bad client: takes a 401 for its token as a passing fault and tries again with the same token,
never logging in again nor renewing (breaks token-renewal, and its order is never seen final)."""

from base import Client, main


class NeverRenews(Client):
    def reauthenticate(self) -> None:
        pass  # base.call then sends the call again, with the refused token


if __name__ == "__main__":
    main(NeverRenews)
