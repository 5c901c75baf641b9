"""integral-mock: an offline sandbox of Integral's FX Inside REST API."""
