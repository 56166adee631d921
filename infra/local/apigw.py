"""API Gateway HTTP API emulation: route selection from the template's HttpApi events, the
payload-v2 event, the Lambda authorizer (identity sources, result caching, simple responses) and
the mapping of the Lambda result back to an HTTP response."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .lambdas import LocalFunction
from .template import ACCOUNT_ID

# The methods an HTTP API route can name; anything else can only reach the $default route.
GATEWAY_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
TEXTUAL = ("text/", "application/json", "application/problem+json", "application/xml",
           "application/x-www-form-urlencoded", "image/svg+xml", "application/javascript")


@dataclass
class Route:
    method: str  # GET, POST, ..., ANY
    path: str    # /v1/x/{id}, /v1/x/{proxy+}, or $default
    function: LocalFunction
    authorizer: str | None
    pattern: re.Pattern[str] | None = None
    literal_segments: int = 0
    greedy: bool = False

    def __post_init__(self) -> None:
        if self.path == "$default":
            return
        parts = []
        for segment in self.path.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("+}"):
                parts.append(f"(?P<{segment[1:-2]}>.+)")
                self.greedy = True
            elif segment.startswith("{") and segment.endswith("}"):
                parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
            else:
                parts.append(re.escape(segment))
                self.literal_segments += 1
        self.pattern = re.compile("^/" + "/".join(parts) + "$")

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass
class Authorizer:
    name: str
    function: LocalFunction
    identity_headers: list[str]
    ttl: int
    _cache: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class HttpApi:
    def __init__(self, template: dict[str, Any], functions: dict[str, LocalFunction], resolver: Any = None) -> None:
        self.routes: list[Route] = []
        self.authorizers: dict[str, Authorizer] = {}
        self.default_authorizer: str | None = None
        self.cors: dict[str, Any] = {}
        resources = template.get("Resources") or {}
        for spec in resources.values():
            if spec["Type"] != "AWS::Serverless::HttpApi":
                continue
            props = spec.get("Properties") or {}
            cors = props.get("CorsConfiguration") or {}
            self.cors = resolver.resolve(cors) if resolver else cors
            auth = props.get("Auth") or {}
            self.default_authorizer = auth.get("DefaultAuthorizer")
            for name, cfg in (auth.get("Authorizers") or {}).items():
                fn_ref = cfg["FunctionArn"]  # !GetAtt Fn.Arn, !Ref Fn.Alias or a logical id
                if isinstance(fn_ref, dict):
                    fn_ref = fn_ref["Fn::GetAtt"][0] if "Fn::GetAtt" in fn_ref else fn_ref["Ref"]
                logical = str(fn_ref).split(".")[0]
                identity = cfg.get("Identity") or {}
                headers = [h.lower() for h in identity.get("Headers") or []]
                # API Gateway caches for 300 s by default when identity sources are set.
                ttl = int(identity.get("ReauthorizeEvery", 300 if headers else 0))
                self.authorizers[name] = Authorizer(name, functions[logical], headers, ttl)
        for fn in functions.values():
            for event in (fn.properties.get("Events") or {}).values():
                if event.get("Type") != "HttpApi":
                    continue
                ep = event.get("Properties") or {}
                authorizer = ((ep.get("Auth") or {}).get("Authorizer")) or self.default_authorizer
                if authorizer == "NONE":
                    authorizer = None
                method = (ep.get("Method") or "ANY").upper()
                self.routes.append(Route(method, ep.get("Path") or "$default", fn, authorizer))

    # ------------------------------------------------------------------ routing
    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        best: tuple[tuple[int, int, int], Route, dict[str, str]] | None = None
        for route in self.routes:
            if method not in GATEWAY_METHODS and method != "ANY":  # ANY: a route key, in tests
                break
            if route.pattern is None or (route.method not in (method, "ANY")):
                continue
            m = route.pattern.match(path)
            if not m:
                continue
            # Most literal segments wins, then non-greedy over greedy, then a method over ANY.
            rank = (route.literal_segments, 0 if route.greedy else 1, 1 if route.method == method else 0)
            if best is None or rank > best[0]:
                best = (rank, route, m.groupdict())
        if best:
            return best[1], best[2]
        default = next((r for r in self.routes if r.path == "$default"), None)
        return default, {}

    # ------------------------------------------------------------------ events
    def build_event(self, method: str, raw_path: str, raw_query: str, headers: list[tuple[str, str]],
                    body: bytes, source_ip: str, route: Route, path_params: dict[str, str],
                    request_id: str) -> dict[str, Any]:
        merged: dict[str, str] = {}
        cookies: list[str] = []
        for key, value in headers:
            key = key.lower()
            if key == "cookie":
                cookies.extend(c.strip() for c in value.split(";") if c.strip())
                continue
            merged[key] = f"{merged[key]},{value}" if key in merged else value
        query: dict[str, str] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        content_type = merged.get("content-type", "")
        is_text = bool(body) and content_type.startswith(TEXTUAL) and _utf8(body)
        now = time.time()
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
            "headers": merged,
            "requestContext": {
                "accountId": ACCOUNT_ID, "apiId": "local", "domainName": merged.get("host", "localhost"),
                "domainPrefix": "local",
                "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1",
                         "sourceIp": source_ip, "userAgent": merged.get("user-agent", "")},
                "requestId": request_id, "routeKey": route.route_key, "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "timeEpoch": int(now * 1000),
            },
            "isBase64Encoded": bool(body) and not is_text,
        }
        if cookies:
            event["cookies"] = cookies
        if query:
            event["queryStringParameters"] = query
        if path_params:
            event["pathParameters"] = path_params
        if body:
            event["body"] = body.decode() if is_text else base64.b64encode(body).decode()
        return event

    # ------------------------------------------------------------------ authorizer
    def authorize(self, route: Route, event: dict[str, Any]) -> tuple[Response | None, dict[str, Any]]:
        auth = self.authorizers[route.authorizer]  # type: ignore[index]
        headers = event["headers"]
        identity = [headers.get(h) for h in auth.identity_headers]
        if auth.identity_headers and not all(identity):
            return _gateway_message(401, "Unauthorized"), {}
        key = tuple(v or "" for v in identity)
        if auth.ttl > 0:
            with auth._lock:
                hit = auth._cache.get(key)
                if hit and hit[0] > time.monotonic():
                    return self._authz_result(hit[1])
        authz_event = {k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")}
        authz_event.update({
            "type": "REQUEST",
            "routeArn": f"arn:aws:execute-api:local:{ACCOUNT_ID}:local/$default/{route.route_key.replace(' ', '')}",
            "identitySource": [v for v in identity if v],
        })
        try:
            result = auth.function.invoke(authz_event)
        except Exception:  # an authorizer crash is API Gateway's 500, as in AWS
            return _gateway_message(500, "Internal Server Error"), {}
        if auth.ttl > 0:
            with auth._lock:
                auth._cache[key] = (time.monotonic() + auth.ttl, result)
        return self._authz_result(result)

    @staticmethod
    def _authz_result(result: dict[str, Any]) -> tuple[Response | None, dict[str, Any]]:
        if not isinstance(result, dict) or not result.get("isAuthorized"):
            return _gateway_message(403, "Forbidden"), {}
        return None, result.get("context") or {}

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, raw_path: str, raw_query: str, headers: list[tuple[str, str]],
               body: bytes, source_ip: str) -> Response:
        request_id = str(uuid.uuid4())
        origin = next((v for k, v in headers if k.lower() == "origin"), None)
        if method == "OPTIONS" and self.cors and origin:
            return self._preflight(origin, request_id)
        route, params = self.match(method, raw_path)
        if route is None:
            return self._with_cors(_gateway_message(404, "Not Found"), origin)
        event = self.build_event(method, raw_path, raw_query, headers, body, source_ip, route, params, request_id)
        if route.authorizer:
            denied, context = self.authorize(route, event)
            if denied:
                return self._with_cors(denied, origin)
            event["requestContext"]["authorizer"] = {"lambda": context}
        try:
            result = route.function.invoke(event, request_id)
        except Exception:
            return self._with_cors(_gateway_message(500, "Internal Server Error"), origin)
        return self._with_cors(_to_response(result), origin)

    def _preflight(self, origin: str, request_id: str) -> Response:
        headers = [("access-control-allow-origin", self._allowed_origin(origin)),
                   ("access-control-allow-methods", ",".join(self.cors.get("AllowMethods") or [])),
                   ("access-control-allow-headers", ",".join(self.cors.get("AllowHeaders") or [])),
                   ("access-control-max-age", str(self.cors.get("MaxAge", 0))),
                   ("apigw-requestid", request_id)]
        return Response(204, headers, b"")

    def _allowed_origin(self, origin: str) -> str:
        allowed = [str(o) for o in self.cors.get("AllowOrigins") or []]
        return "*" if "*" in allowed else (origin if origin in allowed else "")

    def _with_cors(self, response: Response, origin: str | None) -> Response:
        if self.cors and origin and self._allowed_origin(origin):
            response.headers.append(("access-control-allow-origin", self._allowed_origin(origin)))
            expose = self.cors.get("ExposeHeaders") or []
            if expose:
                response.headers.append(("access-control-expose-headers", ",".join(expose)))
        return response


def _utf8(body: bytes) -> bool:
    try:
        body.decode()
        return True
    except UnicodeDecodeError:
        return False


def _gateway_message(status: int, message: str) -> Response:
    return Response(status, [("content-type", "application/json")], json.dumps({"message": message}).encode())


def _to_response(result: Any) -> Response:
    """Lambda's payload-v2 response -> HTTP, as API Gateway maps it."""
    if not isinstance(result, dict) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return Response(200, [("content-type", "application/json")], body.encode())
    headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((key, str(v)) for v in values)
    headers.extend(("set-cookie", c) for c in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    return Response(int(result["statusCode"]), headers, body)
