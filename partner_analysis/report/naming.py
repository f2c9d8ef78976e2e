"""Safe report file names, whatever a partner is called.

A name is built from the partner id (as it is) and name (lower-cased), with anything but ASCII letters, digits
and dashes replaced, and cut to a length every file system takes. When that loses anything of the
id (``../x``, ``Ünïcode``, two ids that differ only in case), a short hash of the id keeps names
of different partners apart.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

_MAX = 60


def slug(text: str, lower: bool = True) -> str:
    """``"Acme & Co. (EMEA)"`` -> ``"acme-co-emea"``; empty when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower() if lower else ascii_text
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:_MAX].strip("-")


def partner_file_name(partner_id: str, partner_name: str | None = None) -> str:
    """A file stem for a partner's report: ``P00042-delta-solutions-38``, unique per partner id."""
    base = slug(partner_id, lower=False)
    if not base or base != str(partner_id):
        base = f"{base or 'partner'}-{hashlib.sha256(str(partner_id).encode()).hexdigest()[:8]}"
    named = slug(partner_name or "")
    return f"{base}-{named}"[: _MAX + 10].strip("-") if named else base
