"""Which operation a request is: its rule's path pattern and method, found as openapi-core did."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from integral_mock.integral.checks import Operation, Problem

Found = tuple[Operation, dict[str, str]]


class Routes:
    """The operation of a path pattern and method, found as openapi-core's path finder did."""

    def __init__(self, operations: dict[str, dict[str, Operation]]) -> None:
        self._operations = operations
        self._templates = {path: _template(path) for path in operations}
        self._found: dict[tuple[str, str], Found | str] = {}

    def find(self, pattern: str, method: str, host_url: Callable[[], str]) -> Found:
        """(operation, path variables) of `pattern` (`/v2/orders/{id}`); Problem if none.

        The problem names the pattern joined to `host_url()`, as openapi-core's did.
        """
        found = self._found.get((pattern, method))
        if found is None:
            found = self._find(pattern, method)
            if len(self._found) < 1024:  # patterns come from the app's own rules: few
                self._found[(pattern, method)] = found
        if isinstance(found, str):
            raise Problem(found.replace("{url}", urljoin(host_url(), pattern)))
        return found

    def _find(self, pattern: str, method: str) -> Found | str:
        # A path the pattern ends with is the most concrete; then templates, fewest variables
        # first. The first with the method wins if nothing of the pattern is left before it
        # (the one server is "/").
        simple: list[tuple[str, dict[str, str]]] = []
        templated: list[tuple[str, dict[str, str]]] = []
        for path, (regex, names) in self._templates.items():
            if pattern.endswith(path):
                simple.append((path, {}))
            elif match := regex.search(pattern):
                templated.append((path, dict(zip(names, match.groups(), strict=True))))
        candidates = simple + sorted(templated, key=lambda found: len(found[1]))
        if not candidates:
            return "Path not found for {url}"
        with_method = [
            (p, variables) for p, variables in candidates if method in self._operations[p]
        ]
        if not with_method:
            return f"Operation {method} not found for " + "{url}"
        for path, variables in with_method:
            resolved = path.format(**variables) if variables else path
            if pattern.rsplit(resolved, 1)[0] in ("", "/"):
                return self._operations[path][method], variables
        return "Server not found for {url}"


def _template(path: str) -> tuple[re.Pattern[str], list[str]]:
    names = re.findall(r"\{([^}]*)\}", path)
    parts = re.split(r"\{[^}]*\}", path)
    return re.compile("([^/]*)".join(re.escape(part) for part in parts) + "$"), names
