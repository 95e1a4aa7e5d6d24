"""mkdocs hook: turn Sphinx roles left in docstrings into API cross-references.

Some docstrings use reST roles (``:class:`Simulator```). Rendered as Markdown they show up as
``:class:<code>Simulator</code>``. On API pages this hook rewrites them into mkdocs-autorefs
references: ``~a.b.C`` shows ``C``; a bare name is looked up first in the page's package
(``qnetstack.kernel.Simulator`` on the kernel page), then as written. Unresolvable targets
(numpy, private modules) stay as plain code, without a warning.
"""

from __future__ import annotations

import html
import re
from typing import Any

_ROLE = re.compile(r":(?:class|meth|func|data|mod|attr|exc|obj|const):<code>(~?)([^<]+)</code>")


def _page_package(page: Any) -> str | None:
    path = page.file.src_uri
    if path.startswith("api/") and path.endswith(".md"):
        return "qnetstack." + path[len("api/") : -len(".md")]
    return None


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite reST roles on API pages."""
    package = _page_package(page)
    if package is None:
        return content

    def replace(match: re.Match[str]) -> str:
        short, target = match.group(1) == "~", html.unescape(match.group(2)).strip()
        shown = target.rsplit(".", 1)[-1] if short else target.lstrip(".")
        title = f"<code>{html.escape(shown)}</code>"
        if target.startswith("qnetstack."):
            first, second = target, None
        else:
            first, second = f"{package}.{target.lstrip('.')}", target.lstrip(".")
        slug = f' slug="{html.escape(second)}"' if second else ""
        return f'<autoref identifier="{html.escape(first)}"{slug} optional>{title}</autoref>'

    return _ROLE.sub(replace, content)
