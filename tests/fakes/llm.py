"""Fake OpenAI-compatible, Anthropic Messages and Bedrock Converse servers on 127.0.0.1.

Each test scripts the answers: a queue of steps, each a dict {"text": ...} (a good answer),
{"status": 500} / {"status": 429, "retry_after": "0"} or {"sleep": seconds, "text": ...}. Requests
(with their headers) are recorded so tests can assert on the path and the repair messages.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client timed out first
                    self._answer()

            def _answer(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                with fake._lock:
                    fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    step = fake.steps.pop(0) if fake.steps else {"text": "flowchart TD\n  a --> b\n"}
                if step.get("sleep"):
                    time.sleep(step["sleep"])
                status = step.get("status", 200)
                if status != 200:
                    self.send_response(status)
                    if step.get("retry_after") is not None:
                        self.send_header("Retry-After", step["retry_after"])
                    if "/converse" in self.path and status == 429:
                        self.send_header("x-amzn-ErrorType", "ThrottlingException")
                    payload = b'{"message": "scripted failure"}'
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                text = step["text"]
                if self.path.endswith("/chat/completions"):
                    out = {"choices": [{"message": {"role": "assistant", "content": text}}],
                           "usage": {"prompt_tokens": 100, "completion_tokens": 50}}
                elif self.path.endswith("/v1/messages"):
                    out = {"content": [{"type": "text", "text": text}], "usage": {"input_tokens": 120,
                                                                                 "output_tokens": 60}}
                else:  # Bedrock Converse: POST /model/<id>/converse
                    out = {"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                           "usage": {"inputTokens": 90, "outputTokens": 40, "totalTokens": 130},
                           "stopReason": "end_turn", "metrics": {"latencyMs": 5}}
                payload = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, *steps: dict[str, Any]) -> None:
        with self._lock:
            self.steps = list(steps)
            self.requests = []
