"""The OpenAPI documents, shipped inside the wheel as ``mock_server.openapi``."""
