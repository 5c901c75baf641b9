"""Domain errors: each carries its HTTP status and errorCode; one handler renders them all.

SandboxError
├── BadRequest (400)            INVALID_REQUEST, DUPLICATE_COID, UNSUPPORTED_MEDIA_TYPE, ...
├── Unauthorized (401)          INVALID_CREDENTIALS, TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED
├── Forbidden (403)             FORBIDDEN
├── NotFound (404)              NOT_FOUND, UNKNOWN_ORG, UNKNOWN_SYMBOL
├── UnsupportedMediaType (415)  UNSUPPORTED_MEDIA_TYPE (the control API; Integral's is a 400)
└── ServiceUnavailable (503)    STORE_UNAVAILABLE
"""

from __future__ import annotations

from typing import Any

FieldProblems = list[dict[str, str]]


class SandboxError(Exception):
    """An answer the Integral surface gives as its error object."""

    status = 500
    code = "INTERNAL_ERROR"

    def __init__(
        self, message: str, *, code: str | None = None, fields: FieldProblems | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields


class BadRequest(SandboxError):
    status = 400
    code = "INVALID_REQUEST"


class Unauthorized(SandboxError):
    status = 401
    code = "TOKEN_INVALID"


class Forbidden(SandboxError):
    status = 403
    code = "FORBIDDEN"


class NotFound(SandboxError):
    status = 404
    code = "NOT_FOUND"


class UnsupportedMediaType(SandboxError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class ServiceUnavailable(SandboxError):
    status = 503
    code = "STORE_UNAVAILABLE"

    def __init__(
        self, message: str = "The sandbox's database cannot be reached; try again"
    ) -> None:
        super().__init__(message)


def error_body(code: str, message: str, fields: FieldProblems | None = None) -> dict[str, Any]:
    """Build the error object every 4xx and 5xx answer carries."""
    return {"status": "ERROR", "errorCode": code, "errorMessage": message, "responseTuples": fields}
