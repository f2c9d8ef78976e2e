"""Safe report file names, whatever a partner is called.

A name is built from the partner id (as it is) and name (lower-cased), with anything but ASCII letters, digits
and dashes replaced, and cut to a length every file system takes. When that loses anything of the
id (``../x``, ``Ünïcode``) or gives a name Windows reserves (``CON``), a short hash of the id keeps
names of different partners apart.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

_MAX = 60
#: Names Windows reserves for devices, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def slug(text: str, lower: bool = True) -> str:
    """``"Acme & Co. (EMEA)"`` -> ``"acme-co-emea"``; empty when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower() if lower else ascii_text
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:_MAX].strip("-")


def partner_file_name(partner_id: str, partner_name: str | None = None) -> str:
    """A file stem for a partner's report: ``P00042-delta-solutions-38``, unique per partner id."""
    base = slug(partner_id, lower=False)
    if not base or base != str(partner_id) or base.upper() in _RESERVED:
        base = f"{base or 'partner'}-{hashlib.sha256(str(partner_id).encode()).hexdigest()[:8]}"
    named = slug(partner_name or "")
    return f"{base}-{named}"[: _MAX + 10].strip("-") if named else base
