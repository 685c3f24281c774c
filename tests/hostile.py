"""Hostile cassettes, built by code, and a sandbox that opens each one under hard limits.

Builders write one recording (a list of `Call`) as go-vcr, VCR.py or HAR;
hostile parts (YAML aliases, compressed bombs, schemas with remote `$ref`)
are placed by the case functions in `tests/test_hostile.py`.

`Sandbox` is a process that imports vizlib once, then forks one child per
case; the child sets `RLIMIT_AS` (2 GiB) and `RLIMIT_CPU` (15 s), loads the
file, builds every frame, runs `vizlib summary` and `vizlib report` on it and
writes what happened as JSON. The parent also ends a child still running
after 60 s of wall time (a hang, such as a FIFO read, uses no CPU).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTAINERS = ("go-vcr", "vcr.py", "har")
YAML_CONTAINERS = ("go-vcr", "vcr.py")
CHAT_URL = "https://api.openai.com/v1/chat/completions"
MEMORY_BYTES = 2 << 30
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
CPU_SECONDS = 15
WALL_SECONDS = 60


@dataclass
class Call:
    """One recorded HTTP exchange: a JSON request, and a response body (bytes where encoded)."""

    request: dict[str, Any]
    response: str | bytes
    url: str = CHAT_URL
    content_type: str = "application/json"
    encoding: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def response_headers(self) -> dict[str, str]:
        headers = {"Content-Type": self.content_type, **self.extra_headers}
        if self.encoding:
            headers["Content-Encoding"] = self.encoding
        return headers


def chat_request(
    model: str = "gpt-4o", tools: list[dict[str, Any]] | None = None, role: str = "user"
) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "messages": [{"role": role, "content": "Hi"}]}
    if tools:
        body["tools"] = tools
    return body


def chat_response(
    model: str = "gpt-4o",
    *,
    content: str | None = "Hello",
    tool_args: str | None = None,
    role: str = "assistant",
    usage: dict[str, Any] | None = None,
) -> str:
    message: dict[str, Any] = {"role": role, "content": content}
    if tool_args is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": tool_args}}
        ]
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": usage or {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
        }
    )


def tool(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "f", "parameters": parameters}}


def _body(value: str | bytes) -> Any:
    return value  # PyYAML writes bytes as !!binary, read back as bytes


def govcr(calls: list[Call]) -> str:
    """A go-vcr (v2) cassette."""
    interactions = [
        {
            "id": i,
            "request": {
                "proto": "HTTP/1.1",
                "body": json.dumps(c.request),
                "headers": {"Content-Type": ["application/json"]},
                "url": c.url,
                "method": "POST",
            },
            "response": {
                "body": _body(c.response),
                "headers": {k: [v] for k, v in c.response_headers().items()},
                "status": "200 OK",
                "code": 200,
                "duration": "1.5s",
            },
        }
        for i, c in enumerate(calls)
    ]
    return yaml.dump({"version": 2, "interactions": interactions}, Dumper=_DUMPER, sort_keys=False)


def vcrpy(calls: list[Call]) -> str:
    """A VCR.py cassette."""
    interactions = [
        {
            "request": {
                "body": json.dumps(c.request),
                "headers": {"Content-Type": ["application/json"]},
                "method": "POST",
                "uri": c.url,
            },
            "response": {
                "body": {"string": _body(c.response)},
                "headers": {k: [v] for k, v in c.response_headers().items()},
                "status": {"code": 200, "message": "OK"},
            },
        }
        for c in calls
    ]
    return yaml.dump({"interactions": interactions, "version": 1}, Dumper=_DUMPER, sort_keys=False)


def har(calls: list[Call]) -> str:
    """A HAR archive; encoded bodies are stored base64, as browsers store binary content."""
    entries = []
    for c in calls:
        if isinstance(c.response, bytes):
            content = {
                "mimeType": c.content_type,
                "text": base64.b64encode(c.response).decode(),
                "encoding": "base64",
            }
        else:
            content = {"mimeType": c.content_type, "text": c.response}
        entries.append(
            {
                "startedDateTime": "2026-01-01T00:00:00.000Z",
                "time": 1500,
                "request": {
                    "method": "POST",
                    "url": c.url,
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "postData": {"mimeType": "application/json", "text": json.dumps(c.request)},
                },
                "response": {
                    "status": 200,
                    "headers": [{"name": k, "value": v} for k, v in c.response_headers().items()],
                    "content": content,
                },
            }
        )
    return json.dumps({"log": {"version": "1.2", "entries": entries}})


BUILDERS = {"go-vcr": govcr, "vcr.py": vcrpy, "har": har}
SUFFIX = {"go-vcr": ".yaml", "vcr.py": ".yaml", "har": ".har"}


def build(container: str, calls: list[Call]) -> str:
    return BUILDERS[container](calls)


# What the child runs: load and build every frame, then the CLI's summary and report.
_CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time, traceback

    def run(case):
        from click.testing import CliRunner
        import vizlib
        from vizlib.cli import main

        out = {}
        start = time.monotonic()
        try:
            cassette = vizlib.load(case["file"])
            for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
                getattr(cassette, frame)
            out["load"] = "ok"
        except vizlib.CassetteError as exc:
            out["load"] = "CassetteError: " + str(exc)
        except BaseException as exc:
            out["load"] = "crash: " + "".join(traceback.format_exception(exc))
        runner = CliRunner()
        for command in case["commands"]:
            result = runner.invoke(main, command)
            crash = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                crash = "".join(traceback.format_exception(result.exception))
            out.setdefault("commands", []).append(
                {"args": command, "exit": result.exit_code, "output": result.output, "crash": crash}
            )
        out["seconds"] = time.monotonic() - start
        return out

    def serve():
        import vizlib, vizlib.cli, vizlib.standalone, click.testing  # imported once, before forking
        for line in sys.stdin:
            case = json.loads(line)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                os.environ.update(case["env"])
                resource.setrlimit(resource.RLIMIT_AS, (case["memory"], case["memory"]))
                resource.setrlimit(resource.RLIMIT_CPU, (case["cpu"], case["cpu"]))
                try:
                    result = run(case)
                except BaseException as exc:
                    result = {"load": "crash: " + repr(exc)}
                with os.fdopen(write, "w") as pipe:
                    pipe.write(json.dumps(result))
                os._exit(0)
            os.close(write)
            deadline = time.monotonic() + case["wall"]
            status = None
            while status is None:
                done, code = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = code
                elif time.monotonic() > deadline:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    status = "timeout"
                else:
                    time.sleep(0.02)
            with os.fdopen(read) as pipe:
                text = pipe.read()
            print(json.dumps({"status": status, "result": json.loads(text) if text else None}))
            sys.stdout.flush()

    serve()
    """
)


class Sandbox:
    """A process that opens cassettes in forked children under memory, CPU and wall-time limits."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=os.getcwd(),
        )

    def open(
        self,
        file: Path,
        commands: list[list[str]],
        *,
        env: dict[str, str] | None = None,
        cpu: int = CPU_SECONDS,
    ) -> dict[str, Any]:
        """Load `file` and run the CLI `commands` in a limited child; what happened.

        `env` is set in the child only; `cpu` replaces its CPU limit.
        """
        case = {
            "file": str(file),
            "commands": commands,
            "env": env or {},
            "memory": MEMORY_BYTES,
            "cpu": cpu,
            "wall": max(WALL_SECONDS, 4 * cpu),
        }
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(case) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


# A local HTTP server in its own process that records every request it gets.
SERVER = textwrap.dedent(
    """
    import http.server, sys
    log = open(sys.argv[1], "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            log.write(self.path + "\\n")
            body = b'{"type": "object", "properties": {"leaked": {"const": "SERVED-BY-TEST-SERVER"}}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """
)
