"""MHonArc's "mrot13" obfuscation of the raw From header (the `X-From-R13` page marker).

rot13 on ASCII letters, plus `@`<->`N` and `[`<->`M`: the translation `@A-Z[a-z` ->
`N-Z[@A-Mn-za-m`. It is its own inverse, so one function both encodes and decodes.
"""

from __future__ import annotations

import string

_SOURCE = "@" + string.ascii_uppercase + "[" + string.ascii_lowercase
_TARGET = (
    string.ascii_uppercase[13:]
    + "[@"
    + string.ascii_uppercase[:13]
    + string.ascii_lowercase[13:]
    + string.ascii_lowercase[:13]
)
_TABLE = str.maketrans(_SOURCE, _TARGET)


def decode(text: str) -> str:
    """Undo mrot13 (`Xhretra Uebff <wtebffNfhfr.pbz>` -> `Juergen Gross <jgross@suse.com>`)."""
    return text.translate(_TABLE)


def encode(text: str) -> str:
    """Apply mrot13; the same operation as `decode`."""
    return text.translate(_TABLE)
