"""An OpenAI-compatible chat endpoint, really served over HTTP, whose "model" quotes the first
sentence of the first passage it is given (cited [1]), says "I don't know." when asked about
what the passages lack, and invents a claim when told to. It is what `[generator]` talks to
in tests: the product's client, streaming and checks run as with a real server."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _reply(messages: list[dict[str, Any]]) -> str:
    system = messages[0]["content"]
    asked = messages[-1]["content"]
    if system.startswith("Rewrite"):  # the follow-up rewriting prompt: the question itself
        return asked.rsplit("Customer:", 1)[-1].replace("Standalone question:", "").strip()
    if "garden" in asked:
        return "I don't know."
    if "invent" in asked:
        return "Every plan comes with a free pony. [1]"
    passages = system.split("Passages:", 1)[-1]
    first = re.search(r"\[1\][^\n]*\n(.+?[.!?])(?:\s|$)", passages, re.S)
    return f"{first[1].strip()} [1]" if first else "I don't know."


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = _reply(body["messages"])
        if not body.get("stream"):
            self._send("application/json", json.dumps(_completion(text)).encode())
            return
        events = [_chunk({"role": "assistant", "content": ""})]
        events += [_chunk({"content": word}) for word in re.findall(r"\S+\s*", text)]
        events.append(_chunk({}, finish="stop"))
        stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        self._send("text/event-stream", stream.encode())

    def _send(self, content_type: str, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def _chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chunk",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "quoting",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "completion",
        "object": "chat.completion",
        "created": 0,
        "model": "quoting",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def openai_endpoint() -> Iterator[str]:
    """The endpoint's base URL, served until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
