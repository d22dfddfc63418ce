"""Web archives (.mht / .mhtml): the page a browser's 「另存为（单个文件）」 keeps inside MIME.

Reviewers save portal pages this way; the report is the archive's first text/html part, in
quoted-printable or base64, in the charset its part header names.
"""

from __future__ import annotations

import email
import email.policy
from email.message import Message

_HEAD = 4096


def is_mhtml(data: bytes) -> bool:
    head = data[:_HEAD].lower()
    return b"mime-version:" in head and b"multipart/related" in head


def html_of(data: bytes) -> tuple[bytes, str | None] | None:
    """(the first HTML part's bytes, its declared charset), or None when there is none."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception:  # the email parser is lenient; anything it still rejects is no archive
        return None
    for part in message.walk():
        if isinstance(part, Message) and part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload, part.get_content_charset()
    return None
