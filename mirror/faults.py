"""Fault injection: `--faults "429=0.1,503=0.05,delay=0.1,waf=1.0,retry_after=0"`.

Layout faults serve a title page as the site served it in an earlier era: `layout2022=0.2` (2022–23
page state), `layout2021` (urqlState), `layout2019` (JSON-LD + `txt-block`, no page state; `oldlayout`
is its old name), `layout2014` (`itemprop` markup only); `layout=2019` serves every title page so.
Page-state title pages and keywords pages are served at real size (~0.5 MB, `realsize`; a 2021–22 keywords page
~0.25 MB, `realsize_legacy`); `small=1` serves them compact (~15 KB and a few KB).

A fault is decided by hash(seed, method, URL, attempt number), where the server counts attempts per
URL: a run is reproducible, and a retry is a fresh draw, so retrying eventually succeeds.
Exclusive faults (one of 429, 503, 500, reset, truncate, nonext, oldlayout) share one draw; `delay`
and the WAF challenge have draws of their own and combine with the others. A WAF token (the cookie the
challenge's script sets) is valid for the host that issued it, for `waf_ttl` seconds and `waf_max` uses.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from .base import unit

LAYOUTS = ("layout2022", "layout2021", "layout2019", "layout2014")
EXCLUSIVE = ("429", "503", "500", "reset", "truncate", "nonext", "oldlayout", *LAYOUTS)
RATES = (*EXCLUSIVE, "delay", "waf", "waf200")
OPTIONS = {"retry_after": "seconds in Retry-After of 429/503 (default 1; 0 sends no Retry-After)",
           "delay_s": "seconds a delayed response waits (default 0.5)",
           "assets": "1 to apply 429/503/500/delay/reset/truncate to posters and trailers too (default 0)",
           "waf_ttl": "seconds a WAF token (aws-waf-token) stays valid (default 0: no expiry)",
           "waf_max": "page requests one WAF token passes before it is challenged again (default 0: no limit)",
           "small": "1 to serve compact title and keywords pages (~15 KB and a few KB: the data without the real "
                    "page's markup around it; default 0: real size, ~0.5 MB)"}


_FLAGS = ("assets", "small")


class FaultSpecError(ValueError):
    """A --faults string that cannot be understood; the message is one sentence for the user."""


@dataclass(frozen=True)
class Faults:
    r429: float = 0.0
    r503: float = 0.0
    r500: float = 0.0
    reset: float = 0.0
    truncate: float = 0.0
    nonext: float = 0.0
    oldlayout: float = 0.0
    layout2022: float = 0.0
    layout2021: float = 0.0
    layout2019: float = 0.0
    layout2014: float = 0.0
    delay: float = 0.0
    waf: float = 0.0
    waf200: float = 0.0
    retry_after: float = 1.0
    delay_s: float = 0.5
    assets: bool = False
    waf_ttl: float = 0.0
    waf_max: float = 0.0
    small: bool = False

    @property
    def any(self) -> bool:
        return any(getattr(self, _attr(k)) > 0 for k in RATES)

    def rate(self, name: str) -> float:
        return getattr(self, _attr(name))

    def spec(self) -> str:
        """The canonical spec string (round-trips through `parse_faults`)."""
        parts = [f"{k}={self.rate(k):g}" for k in RATES if self.rate(k) > 0]
        defaults = Faults()
        for f in OPTIONS:
            if getattr(self, f) != getattr(defaults, f):
                parts.append(f"{f}={int(getattr(self, f)) if f in _FLAGS else getattr(self, f):g}")
        return ",".join(parts)

    def decide(self, seed: int, key: str, attempt: int) -> tuple[str | None, bool, str | None]:
        """(exclusive fault or None, delayed?, "waf" / "waf200" / None) for this request."""
        chosen = None
        u = unit(seed, key, attempt, "fault")
        edge = 0.0
        for name in EXCLUSIVE:
            edge += self.rate(name)
            if u < edge:
                chosen = name
                break
        delayed = self.delay > 0 and unit(seed, key, attempt, "delay") < self.delay
        w = unit(seed, key, attempt, "waf")
        waf = "waf" if w < self.waf else "waf200" if w < self.waf + self.waf200 else None
        return chosen, delayed, waf


def _attr(name: str) -> str:
    return f"r{name}" if name[0].isdigit() else name


def parse_faults(spec: str | Faults | None) -> Faults:
    """Parse `name=value,...`; unknown names, bad numbers and rates summing past 1 raise FaultSpecError."""
    if spec is None or isinstance(spec, Faults):
        return spec or Faults()
    values: dict[str, float | bool] = {}
    known = {f.name for f in fields(Faults)}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip()
        if name == "layout" and sep:
            era = raw.strip()
            if f"layout{era}" not in LAYOUTS:
                raise FaultSpecError(f"layout={era} is not an era the mirror knows: write one of "
                                     f"{', '.join(x.removeprefix('layout') for x in LAYOUTS)}")
            values[f"layout{era}"] = 1.0
            continue
        if not sep or _attr(name) not in known:
            raise FaultSpecError(
                f"fault {part!r} is not understood: write name=value with names among {', '.join(RATES + tuple(OPTIONS))}")
        try:
            value = float(raw)
        except ValueError:
            raise FaultSpecError(f"fault {name!r} needs a number, not {raw.strip()!r}") from None
        if name in RATES and not 0.0 <= value <= 1.0:
            raise FaultSpecError(f"fault rate {name}={raw.strip()} must be a probability between 0 and 1")
        if name not in RATES and value < 0:
            raise FaultSpecError(f"fault option {name}={raw.strip()} must not be negative")
        if name == "waf_max" and value != int(value):
            raise FaultSpecError(f"fault option waf_max={raw.strip()} must be a whole number of requests")
        values[_attr(name)] = bool(value) if name in _FLAGS else value
    faults = Faults(**values)  # type: ignore[arg-type]
    total = sum(faults.rate(k) for k in EXCLUSIVE)
    if total > 1.0 + 1e-9:
        raise FaultSpecError(f"fault rates {', '.join(EXCLUSIVE)} add up to {total:g}; together they must not exceed 1")
    if faults.waf + faults.waf200 > 1.0 + 1e-9:
        raise FaultSpecError("waf and waf200 rates together must not exceed 1")
    return faults
