"""A generic client built only from an OpenAPI document: operations by operationId.

It knows nothing of Attune: it reads the document's paths, their parameters (path, query,
header) and whether they take a JSON body, and sends requests through any transport with
Django's test client's shape (`client.generic(method, url, data, content_type, headers)`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    parameters: dict[str, str]  # name -> where (path, query, header)
    takes_body: bool


class OpenApiClient:
    def __init__(self, document: dict[str, Any], transport: Any, token: str) -> None:
        self.transport = transport
        self.token = token
        self.operations: dict[str, Operation] = {}
        for path, item in document["paths"].items():
            for method, spec in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                self.operations[spec["operationId"]] = Operation(
                    method=method.upper(),
                    path=path,
                    parameters={p["name"]: p["in"] for p in spec.get("parameters", [])},
                    takes_body="requestBody" in spec,
                )

    def call(self, operation_id: str, body: Any = None, **arguments: Any) -> tuple[int, Any]:
        op = self.operations[operation_id]
        path = op.path
        query: dict[str, Any] = {}
        headers = {"Authorization": f"Bearer {self.token}"}
        for name, value in arguments.items():
            where = op.parameters.get(name) or op.parameters.get(name.replace("_", "-").title())
            if where is None:
                raise TypeError(f"{operation_id} has no parameter {name}")
            if where == "path":
                path = path.replace("{" + name + "}", str(value))
            elif where == "query":
                query[name] = value
            else:
                headers[name.replace("_", "-").title()] = str(value)
        assert not re.search(r"\{\w+\}", path), f"missing path parameters: {path}"
        url = path + ("?" + urlencode(query) if query else "")
        data = json.dumps(body) if op.takes_body else ""
        response = self.transport.generic(
            op.method, url, data, content_type="application/json", headers=headers
        )
        return response.status_code, json.loads(response.content or b"null")
