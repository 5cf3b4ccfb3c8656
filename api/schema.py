"""The token scheme in the OpenAPI schema (drf-spectacular knows DRF's own classes only), and
the error answers every operation can give."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on the API tokens page.",
        }


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "The messages for each query parameter or field that was refused.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _response(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_errors(result: dict, generator, request, public) -> dict:
    """A drf-spectacular postprocessing hook: 401, 403, 404 and, with query parameters, 400 on
    every operation that does not say otherwise."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response("No valid token or session.", "Error"))
            responses.setdefault(
                "403", _response("Not an API user, or a read-only token writing.", "Error")
            )
            responses.setdefault(
                "404", _response("Not found, not yours, or a page past the last.", "Error")
            )
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("400", _response("A query parameter refused.", "FieldErrors"))
    return result
