"""The API viewer at /schema: RapiDoc, served from api/static/vendor/rapidoc.

Litestar's render plugins load their viewers from CDNs (unpinned, without integrity
checks) and Litestar's favicon from another; this one loads nothing from anywhere but
this origin, has no inline script (api.security gives the page a CSP without
'unsafe-inline' scripts) and tells RapiDoc not to fetch its web fonts.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import RapidocRenderPlugin

RAPIDOC_JS = "/static/vendor/rapidoc/rapidoc-min.js"


class LocalRapidoc(RapidocRenderPlugin):
    def __init__(self) -> None:
        super().__init__(js_url=RAPIDOC_JS, path="/rapidoc", favicon="")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <script type="module" src="{escape(self.js_url)}"></script>
</head>
<body>
  <rapi-doc spec-url="{spec_url}" load-fonts="false" render-style="read" show-header="false"
    allow-spec-url-load="false" allow-spec-file-load="false" allow-server-selection="false">
  </rapi-doc>
</body>
</html>""".encode()
