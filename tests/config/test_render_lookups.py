"""Scalars made of plain text and ``{{ name }}`` / ``{{ name.key }}`` lookups render without
Jinja: the value, its type and every error must be exactly Jinja's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from harmonizer.config import jinjatext, render, scalars
from harmonizer.config.render import BodyRenderer, RenderContext, SecretText

VALUES: dict[str, Any] = {
    "amount": 5000, "ratio": 0.25, "big": 1e300, "flag": True, "nothing": None, "word": "déjà vu",
    "token": SecretText("s3cret-value-123"), "items": [1, "two", 3.0], "pair": (1, 2), "when": dt.date(2026, 1, 2),
    "price": Decimal("1.10"), "nested": {"inner": {"deep": 7}, "items": "shadowed", "get": 1, "keys": [1]},
    "text_map": {"a": "b"}, "true_name": "x", "range": "mine", "empty": "", "zero": 0,
}
SITE = {"name": "wh1", "company": "Harmonia West", "warehouse": "WH1", "tags": ["a"]}
TEXTS = [
    "{{ amount }}", "{{amount}}", "{{  ratio  }}", "{{ big }}", "{{ flag }}", "{{ nothing }}", "{{ word }}",
    "{{ token }}", "{{ items }}", "{{ pair }}", "{{ when }}", "{{ price }}", "{{ nested }}", "{{ empty }}",
    "{{ zero }}", "{{ site.company }}", "{{ site.tags }}", "{{ template.version }}", "{{ nested.inner.deep }}",
    "{{ nested.items }}", "{{ nested.get }}", "{{ nested.keys }}", "{{ nested.missing }}", "{{ site.name.upper }}",
    "{{ word.upper }}", "{{ amount.real }}", "{{ text_map.a }}", "{{ range }}", "{{ missing }}", "{{ missing.key }}",
    "{{ true }}", "{{ None }}", "{{ self }}", "{{ loop }}", "{{ lipsum }}", "{{ true_name }}",
    "{{ site.warehouse }}/Stock", "{{ site.warehouse }}: {{ site.company }} ({{ template.name }})",
    "[('amount_total', '>', {{ amount }}), ('state', '=', 'sale')]", "a {{ nothing }} b {{ flag }} c {{ items }}",
    "{{ amount }}\n", "\n{{ amount }}", "{{ ratio }}{{ amount }}", "x{{ token }}y", "{{ pair }} and {{ nested }}",
    "{{ missing }} after", "before {{ nested.missing }}", "{{ amount }} {", "} {{ amount }}", "{{{ amount }}",
    "{{ amount }}}", "{{ amount }}\r\n", "{{- amount }}", " {{- amount -}} ", "{{ amount -}}", "{{ amount|string }}",
    "{{ amount + 1 }}", "{{ amount }}{# note #}", "{% if flag %}{{ amount }}{% endif %}", "{{ site['company'] }}",
    "{{ 1.5 }}", "{{ nested.inner }}", "x {{ site.name }} {{ site.name }} y", "{{ amount }} {{ unknown }}",
]


def _context() -> RenderContext:
    return RenderContext(values=VALUES, site=SITE, template={"name": "standard", "version": "1.2.0"},
                         secret_names=frozenset({"token"}))


def _outcome(text: str) -> tuple[Any, ...]:
    names: set[str] = set()
    try:
        value = BodyRenderer(_context()).render_string(text, names)
    except Exception as exc:  # the error itself is what is compared
        return ("error", type(exc), str(exc), frozenset(names))
    return ("value", type(value).__name__, repr(value), str(value), frozenset(names))


def _by_jinja(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as patch:
        patch.setattr(render, "lookups", lambda text: None)
        patch.setattr(render, "_SCALARS", {})
        return _outcome(text)


@pytest.mark.parametrize("text", TEXTS)
def test_a_scalar_renders_as_jinja_renders_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _by_jinja(text, monkeypatch)
    assert _outcome(text) == expected
    assert BodyRenderer(_context()).reads(text) == set(expected[-1])


def test_lookups_take_the_context_value_itself_without_jinja(monkeypatch: pytest.MonkeyPatch) -> None:
    assert scalars.lookups("{{ site.warehouse }}: {{ amount }}") == ("", ("site", "warehouse"), ": ", ("amount",), "")
    assert scalars.lookups("{{ amount | string }}") is None
    assert scalars.lookups("{{ none }}") is None
    value = BodyRenderer(_context()).render_string("{{ items }}", set())
    assert value is VALUES["items"]
    token = BodyRenderer(_context()).render_string("{{ token }}", set())
    assert isinstance(token, SecretText) and repr(token) == "'***'"
    # a lookup that succeeds never compiles anything with Jinja
    compiled: list[str] = []
    monkeypatch.setattr(jinjatext, "compile_scalar", lambda text: compiled.append(text))
    assert BodyRenderer(_context()).render_string("{{ site.name }}-{{ zero }}", set()) == "wh1-0"
    assert compiled == []


def test_the_names_left_to_jinja_are_its_globals() -> None:
    assert set(jinjatext.ENV.globals) == scalars.JINJA_GLOBALS
