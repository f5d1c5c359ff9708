"""A local, scriptable OpenAI-compatible chat-completions server for tests and benchmarks.

    with OpenAIServer(latency=0.1) as srv:          # 127.0.0.1, ephemeral port, a thread
        srv.base_url                                # "http://127.0.0.1:PORT/v1"
        srv.handler = lambda req, n: Reply(...)     # per request: req = parsed JSON body, n = 0-based count
        srv.requests, srv.max_in_flight, srv.count

A handler returns a `Reply` (status, content, headers, delay, body, raw + content_type), or a plain string (the
answer text), or None (the default answer). Default answer: `default_answer(req)`, a judge-style JSON of six
star scores.
Every request is recorded (`srv.requests`: dicts with body, headers, time, status) and the server tracks
the maximum number of requests in flight at once. Runnable as a script for benchmarks in another process:
`python tests/openai_server.py --latency 0.1` prints `PORT <n>` and serves until killed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from xlit.names import CRITERIA


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # answer text for a 200 (None: default answer)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # extra seconds before answering (on top of server latency)
    body: Any = None  # a full JSON body to send instead (errors or odd responses)
    raw: str | bytes | None = None  # a raw body sent as is (an HTML error page, broken JSON)
    content_type: str = "application/json"
    logprobs: bool | None = None  # force logprobs on/off (None: when the request asks)
    usage: dict | None = None


def default_answer(req: dict) -> str:
    """A deterministic judge-style answer derived from the prompt text."""
    text = json.dumps(req.get("messages", ""), ensure_ascii=False)
    h = sum(text.encode("utf-8")) if text else 0
    return json.dumps({c: 1 + (h + i) % 3 for i, c in enumerate(CRITERIA)})


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class OpenAIServer:
    def __init__(
        self,
        latency: float = 0.0,
        handler: Callable[[dict, int], Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.latency = latency
        self.handler = handler
        self.requests: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, fmt, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                server._handle(self)

            def do_GET(self):  # noqa: N802
                self._send(404, {"error": {"message": "not found"}})

            def _send(
                self,
                status: int,
                body: Any,
                headers: dict | None = None,
                raw=None,
                content_type: str = "application/json",
            ):
                blob = (
                    json.dumps(body).encode("utf-8")
                    if raw is None
                    else (raw.encode("utf-8") if isinstance(raw, str) else raw)
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(blob)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, str(v))
                    self.end_headers()
                    self.wfile.write(blob)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 512

            def handle_error(self, request, client_address):  # client went away: not a test failure
                pass

        self.httpd = Server((host, port), Handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}/v1"
        self._thread: threading.Thread | None = None

    # -- request handling
    def _handle(self, h) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        if h.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            h._send(404, {"error": {"message": f"unknown path {h.path}"}})
            return
        try:
            req = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            h._send(400, {"error": {"message": "bad JSON"}})
            return
        with self._lock:
            n = len(self.requests)
            record = {
                "n": n,
                "body": req,
                "headers": {k.lower(): v for k, v in h.headers.items()},
                "time": time.monotonic(),
                "status": None,
            }
            self.requests.append(record)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self.handler(req, n) if self.handler else None
            if reply is None:
                reply = Reply()
            elif isinstance(reply, str):
                reply = Reply(content=reply)
            wait = self.latency + reply.delay
            if wait > 0:
                time.sleep(wait)
            record["status"] = reply.status
            if reply.raw is not None:
                h._send(reply.status, None, reply.headers, raw=reply.raw, content_type=reply.content_type)
            elif reply.body is not None:
                h._send(reply.status, reply.body, reply.headers)
            elif reply.status != 200:
                h._send(
                    reply.status,
                    {"error": {"message": f"scripted status {reply.status}", "type": "test", "code": reply.status}},
                    reply.headers,
                )
            else:
                h._send(200, self._completion(req, reply), reply.headers)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _completion(self, req: dict, reply: Reply) -> dict:
        content = reply.content if reply.content is not None else default_answer(req)
        prompt = "".join(str(m.get("content", "")) for m in req.get("messages", []))
        want_lp = req.get("logprobs") if reply.logprobs is None else reply.logprobs
        choice: dict[str, Any] = {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": content},
            "logprobs": None,
        }
        if want_lp:
            k = int(req.get("top_logprobs") or 0)
            toks = [content[i : i + 4] for i in range(0, len(content), 4)] or [""]
            choice["logprobs"] = {
                "content": [
                    {
                        "token": t,
                        "logprob": -0.1,
                        "bytes": list(t.encode()),
                        "top_logprobs": [{"token": t, "logprob": -0.1, "bytes": list(t.encode())}][:k],
                    }
                    for t in toks
                ]
            }
        usage = reply.usage or {"prompt_tokens": _tokens(prompt), "completion_tokens": _tokens(content)}
        usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req.get("model", "test-model"),
            "choices": [choice],
            "usage": usage,
        }

    # -- lifecycle
    @property
    def count(self) -> int:
        return len(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def start(self) -> "OpenAIServer":
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="openai-test-server"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "OpenAIServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    srv = OpenAIServer(latency=args.latency, port=args.port)
    print(f"PORT {srv.port}", flush=True)
    try:
        srv.httpd.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        print(f"SERVED {srv.count} MAX_IN_FLIGHT {srv.max_in_flight}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
