"""The bot challenge IMDb runs since 2026 (AWS WAF): HTTP 202, `x-amzn-waf-action: challenge`, no content.

The 202 page carries only a small script: it solves a proof of work (FNV-1a of `nonce:k` with 12 low zero
bits, about 4,000 tries), stores the answer in the `aws-waf-token` cookie and reloads. A browser passes;
a plain HTTP client sees an empty page and, even with a cookie jar, has no token. Nonces are signed
with a per-server secret, so tokens cannot be forged without running (or re-implementing) the script.
The search page's "50 more" button runs the same proof of work (`SOLVE_JS`, a `Challenge` with a ttl).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

from .http import Response

COOKIE = "aws-waf-token"
BITS = 12
# defines solvePow(nonce) -> "nonce:k", the token `Challenge.check` accepts
SOLVE_JS = ("function solvePow(n){function f(s){var h=0x811c9dc5;for(var i=0;i<s.length;i++){h^=s.charCodeAt(i);"
            "h=Math.imul(h,0x01000193)>>>0;}return h>>>0;}var k=0;while((f(n+':'+k)&" + str((1 << BITS) - 1)
            + ")!==0)k++;return n+':'+k;}")

_SCRIPT = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title></title></head><body>"
    "<script>(function(){{" + SOLVE_JS.replace("{", "{{").replace("}", "}}")
    + "document.cookie=\"{cookie}=\"+solvePow(\"{nonce}\")+\"; path=/; max-age={max_age}; SameSite=Lax\";"
    "location.reload();}})();</script>"
    "<noscript>JavaScript is required to continue.</noscript></body></html>"
)


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for ch in text.encode("latin-1"):
        h = ((h ^ ch) * 0x01000193) & 0xFFFFFFFF
    return h


class Challenge:
    """Issues signed nonces and checks the proof-of-work tokens made from them (`nonce:k`).

    With `ttl` (seconds) a nonce carries its expiry, and tokens made from it fail once it has passed.
    A nonce may be signed for a `scope` (the WAF uses the Host header): its tokens pass only there, as a
    real token is valid only for the site that issued it. With `max_uses` a token passes that many
    requests (`passes`), then is refused, so the client is challenged again.
    Verified tokens and use counts are remembered (the newest `remember` of them) so a cookie is not
    re-hashed on every request; a long-running mirror clicking "50 more" for days keeps that memory bounded.
    """

    def __init__(self, secret: bytes | None = None, ttl: float | None = None,
                 clock: Callable[[], float] = time.time, remember: int = 4096, max_uses: int | None = None) -> None:
        self.secret = secret or secrets.token_bytes(16)
        self.ttl, self.clock = ttl, clock
        self.max_uses = max_uses
        self.remember = max(1, remember)
        self.valid: OrderedDict[str, None] = OrderedDict()  # keyed by token (scope + newline + token when scoped)
        self.uses: OrderedDict[str, int] = OrderedDict()

    def sign(self, text: str, scope: str = "") -> str:
        return hmac.new(self.secret, f"{scope}\n{text}".encode() if scope else text.encode(),
                        hashlib.sha256).hexdigest()[:16]

    def new_nonce(self, scope: str = "") -> str:
        salt = secrets.token_hex(8)
        if self.ttl is not None:
            salt = f"{int(self.clock() + self.ttl):x}-{salt}"
        return f"{salt}.{self.sign(salt, scope)}"

    def _fresh(self, salt: str) -> bool:
        if self.ttl is None:
            return True
        expiry, _, _ = salt.partition("-")
        try:
            return int(expiry, 16) >= self.clock()
        except ValueError:
            return False

    def check(self, token: str, scope: str = "") -> bool:
        nonce, _, k = token.rpartition(":")
        salt, _, sig = nonce.partition(".")
        if not self._fresh(salt):
            return False
        key = f"{scope}\n{token}" if scope else token
        if key in self.valid:
            self.valid.move_to_end(key)
            return True
        ok = (k.isdigit() and len(token) < 80 and hmac.compare_digest(sig, self.sign(salt, scope))
              and fnv1a32(token) & ((1 << BITS) - 1) == 0)
        if ok:
            self.valid[key] = None
            if len(self.valid) > self.remember:
                self.valid.popitem(last=False)  # forgotten tokens are simply verified again
        return ok

    def _use(self, key: str) -> bool:
        """Count one use of a valid token; False once it has passed `max_uses` requests."""
        if self.max_uses is None:
            return True
        used = self.uses.pop(key, 0)
        self.uses[key] = used + 1
        if len(self.uses) > self.remember:
            self.uses.popitem(last=False)
        return used < self.max_uses

    def passes(self, cookie_header: str, scope: str = "") -> bool:
        for part in cookie_header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and self.check(value, scope) and self._use(f"{scope}\n{value}" if scope else value):
                return True
        return False

    def challenge_response(self, kind: str = "waf", scope: str = "") -> Response:
        """`waf`: 202 + challenge header; `waf200`: the same page answered with 200, as some edges do."""
        max_age = max(3600, int(self.ttl or 0))  # the server, not the browser, decides when a token expires
        body = _SCRIPT.format(nonce=self.new_nonce(scope), cookie=COOKIE, max_age=max_age).encode()
        return Response(202 if kind == "waf" else 200, body,
                        headers=[("x-amzn-waf-action", "challenge"), ("Cache-Control", "no-store")])

