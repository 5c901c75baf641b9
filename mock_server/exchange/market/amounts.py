"""How many decimals an amount of each currency may carry: its minor unit."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 minor units where they are not 2; metal in ounces to the cent and coin in their
# common units are sandbox decisions (ISO gives gold no minor unit, and coin no code).
_MINOR_UNITS = {"JPY": 0, "BTC": 8, "USDT": 6}


def minor_units(currency: str) -> int:
    """Decimals an amount in `currency` may carry: 0 for JPY, 2 for most."""
    return _MINOR_UNITS.get(currency, 2)


def too_precise(amount: Decimal, currency: str) -> bool:
    """Whether `amount` has more decimals than `currency` can settle (1000000.001 EUR)."""
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent > minor_units(currency)
