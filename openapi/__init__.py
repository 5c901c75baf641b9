"""The OpenAPI documents, shipped inside the wheel as ``integral_mock.openapi``."""
