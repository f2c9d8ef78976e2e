"""What would make a page fetch something from the network."""
from __future__ import annotations

import re

_FETCHING = re.compile(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//"""
                       r"""|@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


def external_references(page: str) -> list[str]:
    """Every tag or style rule in ``page`` that loads a resource from another host."""
    return [m.group(0) for m in _FETCHING.finditer(page)]
