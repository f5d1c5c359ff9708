"""Chat-completion calls to any OpenAI-compatible endpoint: bounded concurrency, retries, a persistent cache.

Shared by the LLM judge and by anything else that sends many chat requests (e.g. machine translation).

API
---
``Endpoint`` (frozen dataclass; ``Endpoint.from_config(mapping)`` ignores unknown keys)
    ``model`` (required), ``base_url`` (None: ``OPENAI_BASE_URL``, else OpenAI's API), ``api_key_env``
    (the NAME of the environment variable holding the key), ``entry`` (where the config holds this
    endpoint, e.g. ``judges.gpt35``: named in errors). Which key goes where is decided in one place,
    ``api_key(endpoint)`` (``key_variable``: which variable, if any), for every client (``make_client``:
    judge, translation, anything else): a variable named by ``api_key_env`` is sent to that endpoint and
    must be set; without one, OpenAI's own API (an https URL on ``api.openai.com``) gets ``OPENAI_API_KEY``
    and any other server gets no key (the placeholder ``no-key-needed``), so a misspelled ``api_key_env``
    never sends the OpenAI key to a local or third-party server. The client sends that one Authorization
    header and, to a server other than OpenAI's, none of the SDK's environment extras (``OPENAI_ORG_ID``,
    ``OPENAI_PROJECT_ID``, an Authorization in ``OPENAI_CUSTOM_HEADERS``). The key is read at call time, is
    never stored on the Endpoint, and is scrubbed from every error message; a key that cannot be had raises
    ``EndpointError`` (a RuntimeError): one line naming the entry and the variable, never the value.
    ``temperature`` (0.0), ``max_tokens`` (None), ``logprobs`` (False), ``top_logprobs`` (None),
    ``extra_body`` (dict, extra request fields, part of the cache key), ``timeout`` (s per attempt, 60),
    ``concurrency`` (in-flight requests, 8), ``max_retries`` (6: at most 1 + 6 attempts),
    ``backoff_base`` (1 s) and ``backoff_max`` (60 s): attempt n waits min(max, base * 2**n) scaled by a
    random factor in [0.5, 1] ("equal jitter"); a ``Retry-After`` / ``retry-after-ms`` header replaces that
    wait (capped at ``retry_after_max``, 600 s) and a 429 pauses every worker of the run until it has passed.
    Retried: 408, 409, 429, 5xx, timeouts, connection errors, and a 200 whose body is not a chat completion
    (a proxy's HTML page, odd JSON: reported as "malformed response (HTTP 200)"). Anything else (400, 401,
    404, ...) fails at once. The openai client's own retries are off (``max_retries=0``): this module's logic
    is the only one.
    Requests go through ``AsyncOpenAI.post("/chat/completions", cast_to=ChatCompletion)``: the same body
    and parsing as ``chat.completions.create`` minus its per-request parameter transform (~0.5 ms CPU).

``ChatCache(path)``: persistent content-addressed answer cache in directory ``path``, one file per answer
    (``xlit.cache.FileCache``: atomic writes, no locks, safe for several processes writing at once, also on
    different nodes sharing a network file system). A former sqlite cache, ``<path>/chat.sqlite`` (or
    ``path`` itself when it names a ``.sqlite`` file), is imported once on opening. Key:
    ``request_key(endpoint, messages)`` = sha256 of the canonical JSON of backend, model, the full messages
    and the sampling parameters (temperature, max_tokens, logprobs, top_logprobs, extra_body). Not part of
    the key: base_url, timeouts, concurrency, retries, the key. Methods ``get(key)``, ``put(key, record)``,
    ``has(key)``, ``missing(keys)``, ``__len__``, ``items()``. Only successful answers are stored, each one
    the moment it arrives (durable before ``on_result`` sees it). ``ChatCache(None)``: no cache.

``run_chat(requests, endpoint, cache, on_result=None, refresh=()) -> list[ChatResult]``
    ``requests`` is a list of conversations (each a list of ``{"role", "content"}`` dicts); results come
    back in the same order. Cached answers are returned without a request; identical requests in one call
    are sent once. ``on_result(index, result)`` is called for every index as soon as its result is known
    (cached ones first); if it raises, outstanding requests are cancelled and the exception propagates
    (everything answered so far is already in the cache). Keys in ``refresh`` are sent even when cached
    (their new answer replaces the old; used to re-ask an answer that did not parse). ``arun_chat`` is the
    coroutine; ``run_chat``
    works also when called from inside a running event loop (it then uses a worker thread).

``ChatResult``: ``text`` (str or None on error), ``usage`` ({"prompt_tokens", "completion_tokens"} or
    None), ``logprobs`` (list of {"token", "logprob", "top_logprobs": {token: logprob}} when the endpoint
    returned them, else None), ``cached`` (bool), ``error`` (str or None, key scrubbed), ``key``,
    ``finish_reason``, ``attempts`` (HTTP attempts made, 0 when cached), ``model`` (as returned).
    ``ok`` is True when there is no error. ``to_dict()`` gives a JSON-able dict.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import logging
import os
import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Collection, Mapping, Sequence
from urllib.parse import urlsplit

from xlit.cache import FileCache

log = logging.getLogger("xlit.llm")

Messages = Sequence[Mapping[str, Any]]

RETRY_STATUS = frozenset({408, 409, 429})
PLACEHOLDER_KEY = "no-key-needed"  # what a server that needs no key gets (the openai client wants a string)
OPENAI_URL = "https://api.openai.com/v1"
OPENAI_HOST = "api.openai.com"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"  # sent by default to OpenAI's own API only


class EndpointError(RuntimeError):
    """An endpoint that cannot be called as configured (e.g. its API key variable is not set)."""


@dataclass(frozen=True)
class Endpoint:
    model: str
    base_url: str | None = None
    api_key_env: str | None = None  # None: OPENAI_API_KEY for OpenAI's API, no key for any other server
    backend: str = "openai"
    temperature: float = 0.0
    max_tokens: int | None = None
    logprobs: bool = False
    top_logprobs: int | None = None
    extra_body: Mapping[str, Any] | None = None
    timeout: float = 60.0
    concurrency: int = 8
    max_retries: int = 6
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 600.0
    entry: str | None = None  # where the config holds this endpoint (e.g. "judges.gpt35"), for messages

    def __post_init__(self):
        if not self.model:
            raise ValueError("endpoint: 'model' is required")
        if self.concurrency < 1:
            raise ValueError(f"endpoint: concurrency must be >= 1, got {self.concurrency}")
        if self.max_retries < 0:
            raise ValueError(f"endpoint: max_retries must be >= 0, got {self.max_retries}")
        if self.timeout <= 0:
            raise ValueError(f"endpoint: timeout must be > 0, got {self.timeout}")

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], **overrides) -> "Endpoint":
        """An Endpoint from a config mapping (unknown keys such as prices or batch_size are ignored)."""
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in dict(cfg).items() if k in names and v is not None}
        kw.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kw)

    def params(self) -> dict[str, Any]:
        """The sampling parameters that go into each request and into the cache key."""
        t = self.temperature  # 0 and 0.0 are one request (one cache key): integral values as ints, as the
        t = int(t) if float(t).is_integer() else float(t)  # workflow's schema default (0) always had them
        p: dict[str, Any] = {"temperature": t}
        if self.max_tokens is not None:
            p["max_tokens"] = int(self.max_tokens)
        if self.logprobs:
            p["logprobs"] = True
            if self.top_logprobs is not None:
                p["top_logprobs"] = int(self.top_logprobs)
        if self.extra_body:
            p["extra_body"] = dict(self.extra_body)
        return p

    def url(self) -> str:
        """The URL requests go to: ``base_url``, else ``OPENAI_BASE_URL``, else OpenAI's API (the openai
        client's own order; the client is given this URL, so the key rule and the client agree)."""
        return self.base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_URL

    def api_key(self) -> str:
        """The key for this endpoint (see `api_key`)."""
        return api_key(self)


def is_openai_url(url: str) -> bool:
    """True for OpenAI's own API: an https URL whose host is api.openai.com."""
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "").lower() == OPENAI_HOST


def key_variable(endpoint: Endpoint) -> str | None:
    """The environment variable whose value requests to `endpoint` carry: the one ``api_key_env`` names,
    else ``OPENAI_API_KEY`` for OpenAI's own API; None for any other server (it gets no key). Reads no
    value (config checks can ask it without sending anything)."""
    if endpoint.api_key_env:
        return endpoint.api_key_env
    return DEFAULT_KEY_ENV if is_openai_url(endpoint.url()) else None


def api_key(endpoint: Endpoint) -> str:
    """The key a request to `endpoint` carries, read from the environment now (never stored); the one rule
    for every client (`key_variable`): a variable the config names (``api_key_env``) is sent to that
    endpoint and must be set; without one, OpenAI's own API gets ``OPENAI_API_KEY`` (which must be set) and
    any other server the placeholder, never a real key. Raises EndpointError naming the entry and the
    variable."""
    where = f"{endpoint.entry}: " if endpoint.entry else ""
    var = key_variable(endpoint)
    if var is None:
        return PLACEHOLDER_KEY
    value = os.environ.get(var)
    if not value:
        if endpoint.api_key_env:
            key = f"{endpoint.entry}.api_key_env: " if endpoint.entry else "api_key_env: "
            raise EndpointError(
                f"{key}the API key environment variable {var} is not set; set it, "
                "or remove api_key_env for a server that needs no key"
            )
        raise EndpointError(
            f"{where}OpenAI's API needs a key: the environment variable {var} is not set "
            "(or name another one in api_key_env)"
        )
    url = endpoint.url()
    if var == DEFAULT_KEY_ENV and not is_openai_url(url):
        _warn_once(
            (endpoint.entry, url),
            f"{where}sending {DEFAULT_KEY_ENV} to {urlsplit(url).netloc or url}, a server other than OpenAI's, "
            "because api_key_env names it",
        )
    return value


_warned: set = set()


def _warn_once(key, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning("%s", message)


def make_client(endpoint: Endpoint):
    """(AsyncOpenAI client, its key) for `endpoint`: the only place a client is built. The key is
    `api_key(endpoint)`'s and the client's one Authorization header (an Authorization in the environment's
    ``OPENAI_CUSTOM_HEADERS`` is dropped); a server other than OpenAI's gets no ``OPENAI_ORG_ID`` /
    ``OPENAI_PROJECT_ID`` headers either. No retries of the client's own (`_Runner` retries)."""
    import openai

    secret = api_key(endpoint)
    url = endpoint.url()
    headers: dict[str, Any] = {"Authorization": f"Bearer {secret}"}
    if not is_openai_url(url):
        headers.update({"OpenAI-Organization": openai.Omit(), "OpenAI-Project": openai.Omit()})
    client = openai.AsyncOpenAI(
        api_key=secret, base_url=url, default_headers=headers, max_retries=0, timeout=endpoint.timeout
    )
    return client, secret


def request_key(endpoint: Endpoint, messages: Messages, backend: str | None = None) -> str:
    """sha256 of backend, model, full messages and sampling parameters (canonical JSON)."""
    payload = {
        "backend": backend or endpoint.backend,
        "model": endpoint.model,
        "messages": [dict(m) for m in messages],
        "params": endpoint.params(),
    }
    return hash_json(payload)


def hash_json(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------------- cache
class ChatCache(FileCache):
    """Content-addressed answers, one file each (`xlit.cache.FileCache`): safe for concurrent writer
    processes, also on different nodes sharing a network file system. A former `chat.sqlite` in the
    directory is imported on opening (then renamed `chat.sqlite.imported`)."""

    LEGACY = "chat.sqlite"

    def __init__(self, path: str | os.PathLike | None):
        legacy = None
        if path is not None:
            path = Path(path)
            if path.suffix in (".sqlite", ".db", ".sqlite3"):  # the former file: its directory holds the cache
                path, legacy = path.parent, path
            else:
                legacy = path / self.LEGACY
        super().__init__(path)
        if legacy is not None:
            self.import_sqlite(legacy)


# ---------------------------------------------------------------------------------------------- results
@dataclass
class ChatResult:
    text: str | None = None
    usage: dict | None = None
    logprobs: list | None = None
    cached: bool = False
    error: str | None = None
    key: str = ""
    finish_reason: str | None = None
    attempts: int = 0
    model: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return asdict(self)

    def record(self) -> dict:
        """What the cache stores for a successful answer."""
        return {
            "text": self.text,
            "usage": self.usage,
            "logprobs": self.logprobs,
            "finish_reason": self.finish_reason,
            "model": self.model,
        }

    @classmethod
    def from_record(cls, key: str, rec: Mapping[str, Any]) -> "ChatResult":
        return cls(
            text=rec.get("text"),
            usage=rec.get("usage"),
            logprobs=rec.get("logprobs"),
            finish_reason=rec.get("finish_reason"),
            model=rec.get("model"),
            cached=True,
            key=key,
        )


def scrub(text: str, secret: str | None) -> str:
    """`text` with the secret (and its common masked forms' long fragments) removed."""
    if not secret or secret == PLACEHOLDER_KEY:
        return text
    out = text.replace(secret, "***")
    if len(secret) >= 16:  # servers echo fragments of a wrong key; drop any 8+ char run of it
        for n in range(len(secret) - 1, 7, -1):
            for i in range(0, len(secret) - n + 1):
                frag = secret[i : i + n]
                if frag in out:
                    out = out.replace(frag, "***")
    return out


def _retry_after(headers) -> float | None:
    """Seconds from Retry-After / retry-after-ms headers (number or HTTP date), None if absent."""
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000.0)
    except (TypeError, ValueError):
        pass
    ra = headers.get("retry-after")
    if ra is None:
        return None
    try:
        return max(0.0, float(ra))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(ra)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def backoff_delay(
    endpoint: Endpoint, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait before retry number `attempt` (0-based)."""
    r = (rng or random).random()
    if retry_after is not None:
        return min(retry_after, endpoint.retry_after_max) + 0.05 * r * min(retry_after, 1.0)
    ceiling = min(endpoint.backoff_max, endpoint.backoff_base * (2**attempt))
    return ceiling * (0.5 + 0.5 * r)


def malformed(resp) -> str | None:
    """Why a 200 response is not a usable chat completion (None when it is one). The SDK returns the
    body as a str when it is not JSON (an HTML page) and builds models without validating them."""
    from openai.types.chat import ChatCompletion

    if not isinstance(resp, ChatCompletion):
        text = " ".join(str(resp).split())
        return f"expected a chat completion, got {type(resp).__name__} {text!r:.120}"
    try:
        choices = resp.choices
        if not choices:
            return "the response has no choices"
        msg = choices[0].message
        content = msg.content if msg is not None else None
    except (AttributeError, IndexError, TypeError) as e:
        return f"expected a chat completion ({e})"
    if content is not None and not isinstance(content, str):
        return f"message content is {type(content).__name__}, not text"
    return None


def _logprobs_of(choice) -> list | None:
    lp = getattr(choice, "logprobs", None)
    content = getattr(lp, "content", None) if lp is not None else None
    if not content:
        return None
    out = []
    for t in content:
        top = {x.token: x.logprob for x in (getattr(t, "top_logprobs", None) or [])}
        out.append({"token": t.token, "logprob": t.logprob, "top_logprobs": top})
    return out


# ----------------------------------------------------------------------------------------------- runner
class _Runner:
    def __init__(self, endpoint: Endpoint, cache: ChatCache | None):
        self.ep = endpoint
        self.cache = cache if cache is not None else ChatCache(None)
        self.pause_until = 0.0
        self.rng = random.Random()
        self.sent = 0

    async def one(self, client, sem: asyncio.Semaphore, key: str, messages: Messages, secret: str) -> ChatResult:
        import openai
        from openai.types.chat import ChatCompletion

        ep = self.ep
        params = ep.params()
        body = {"model": ep.model, "messages": [dict(m) for m in messages], **params.pop("extra_body", {}), **params}
        last_err = "no attempt made"
        for attempt in range(ep.max_retries + 1):
            retry_after = None
            async with sem:
                while (wait := self.pause_until - time.monotonic()) > 0:  # a 429 told everyone to wait
                    await asyncio.sleep(wait)
                self.sent += 1
                try:
                    # the client's generic POST (documented for endpoints the SDK does not type) sends the
                    # same body as chat.completions.create without its ~0.5 ms/request parameter transform;
                    # auth, base_url, timeout, error classes and response parsing are the SDK's own
                    resp = await client.post(
                        "/chat/completions", cast_to=ChatCompletion, body=body, options={"timeout": ep.timeout}
                    )
                except openai.APIStatusError as e:
                    status = e.status_code
                    last_err = scrub(f"{type(e).__name__} (HTTP {status}): {e.message}", secret)
                    if not (status in RETRY_STATUS or status >= 500):
                        return ChatResult(error=last_err, key=key, attempts=attempt + 1)
                    retry_after = _retry_after(getattr(e.response, "headers", None))
                    if status == 429 and retry_after is not None:
                        self.pause_until = max(self.pause_until, time.monotonic() + retry_after)
                except (openai.APITimeoutError, openai.APIConnectionError) as e:
                    last_err = scrub(f"{type(e).__name__}: {e}", secret)
                except openai.APIResponseValidationError as e:  # a 200 whose JSON is not a completion
                    last_err = scrub(f"malformed response (HTTP 200): {e}", secret)
                except ValueError as e:  # a JSON content type with a body that is not JSON
                    last_err = scrub(f"malformed response (HTTP 200): {type(e).__name__}: {e}", secret)
                except openai.OpenAIError as e:
                    return ChatResult(error=scrub(f"{type(e).__name__}: {e}", secret), key=key, attempts=attempt + 1)
                else:
                    bad = malformed(resp)
                    if bad is None:
                        return await self._success(resp, key, attempt + 1)
                    # a proxy's HTML error page or a gateway's odd JSON with status 200: a server-side
                    # failure like a 5xx, so retried like one and reported like one if it persists
                    last_err = scrub(f"malformed response (HTTP 200): {bad}", secret)
            if attempt < ep.max_retries:
                delay = backoff_delay(ep, attempt, retry_after, self.rng)
                log.info("retry %d/%d in %.2fs after %s", attempt + 1, ep.max_retries, delay, last_err)
                await asyncio.sleep(delay)
        return ChatResult(
            error=f"{last_err} (gave up after {ep.max_retries + 1} attempts)", key=key, attempts=ep.max_retries + 1
        )

    async def _success(self, resp, key: str, attempts: int) -> ChatResult:
        choice = resp.choices[0]
        usage = None
        if getattr(resp, "usage", None) is not None:
            usage = {
                "prompt_tokens": resp.usage.prompt_tokens or 0,
                "completion_tokens": resp.usage.completion_tokens or 0,
            }
        res = ChatResult(
            text=choice.message.content if choice.message else None,
            usage=usage,
            logprobs=_logprobs_of(choice),
            finish_reason=choice.finish_reason,
            model=getattr(resp, "model", None),
            key=key,
            attempts=attempts,
        )
        if res.text is None:
            res.text = ""
        await asyncio.to_thread(self.cache.put, key, res.record())  # stored the moment it arrives (its fsync
        # runs in a worker thread: the event loop keeps receiving; asyncio.run waits for it even on Ctrl-C)
        return res


async def arun_chat(
    requests: Sequence[Messages],
    endpoint: Endpoint,
    cache: ChatCache | None = None,
    on_result: Callable[[int, ChatResult], Any] | None = None,
    refresh: Collection[str] = (),
) -> list[ChatResult]:
    """The coroutine behind `run_chat`."""
    runner = _Runner(endpoint, cache)
    keys = [request_key(endpoint, m) for m in requests]
    results: list[ChatResult | None] = [None] * len(requests)
    pending: dict[str, list[int]] = {}
    absent = runner.cache.missing(keys) | set(refresh)  # one query for a cold cache, not one per request
    for i, k in enumerate(keys):
        rec = runner.cache.get(k) if k not in absent and k not in pending else None
        if rec is not None:
            results[i] = ChatResult.from_record(k, rec)
            if on_result is not None:
                on_result(i, results[i])
        else:
            pending.setdefault(k, []).append(i)
    if not pending:
        return results  # type: ignore[return-value]

    client, secret = make_client(endpoint)
    sem = asyncio.Semaphore(endpoint.concurrency)
    n_done = 0
    t0 = time.monotonic()
    try:
        tasks = {
            asyncio.ensure_future(runner.one(client, sem, k, requests[idx[0]], secret)): k for k, idx in pending.items()
        }
        try:
            for fut in asyncio.as_completed(list(tasks)):
                res = await fut
                for j, i in enumerate(pending[res.key]):
                    r = res if j == 0 else ChatResult(**{**res.to_dict(), "attempts": 0})
                    results[i] = r
                    if on_result is not None:
                        on_result(i, r)
                n_done += 1
                if n_done % 100 == 0 or n_done == len(pending):
                    log.info("%d/%d requests answered in %.1fs", n_done, len(pending), time.monotonic() - t0)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await client.close()
    return results  # type: ignore[return-value]


def run_chat(
    requests: Sequence[Messages],
    endpoint: Endpoint,
    cache: ChatCache | None = None,
    on_result: Callable[[int, ChatResult], Any] | None = None,
    refresh: Collection[str] = (),
) -> list[ChatResult]:
    """Send chat requests (cached ones are not sent); results in request order. See the module docstring."""
    coro_args = (requests, endpoint, cache, on_result, refresh)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(arun_chat(*coro_args))
    box: dict[str, Any] = {}

    def work():
        try:
            box["value"] = asyncio.run(arun_chat(*coro_args))
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    t = threading.Thread(target=work, name="xlit-llm")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]
