"""Documents people send as files (a province's agenda proposal, its results report): which ones the bot keeps,
told by their name and checked by their first bytes, and where a flow finds the stored one.

A file event is `InboundKind.FILE`. The worker stores the file before the step runs, as it does a photo, and notes
its media id in `extra["document_id"]`; `media_id` stays a picture's, so that no photo step takes a PDF for a
photo. Only the hand-in of a programme step asks for documents; anywhere else a file is answered like any other
unexpected message.
"""

from __future__ import annotations

from pathlib import PurePath

from bot.core.types import Inbound

FILE_NAME_MAX = 200  # as kept (Media.filename)
DOCUMENT_ID = "document_id"  # the key in Inbound.extra

_PDF, _OOXML, _OLE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (content type, the signature the content starts with)
DOCUMENT_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", _PDF),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _OOXML),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
}


def is_document_name(name: str | None) -> bool:
    """A file name the bot keeps documents of (by its extension, any case)."""
    return PurePath(name or "").suffix.lower() in DOCUMENT_TYPES


def kept_name(name: str) -> str:
    """The file name as kept: its extension always survives the cut."""
    path = PurePath(name)
    return name if len(name) <= FILE_NAME_MAX else path.stem[: FILE_NAME_MAX - len(path.suffix)] + path.suffix


def document_content_type(data: bytes, name: str | None) -> str | None:
    """The content type of a document whose content matches its name's extension, else None (a renamed picture,
    an executable called report.pdf)."""
    found = DOCUMENT_TYPES.get(PurePath(name or "").suffix.lower())
    if found is None or not data.startswith(found[1]):
        return None
    return found[0]


def document_id(inbound: Inbound) -> int | None:
    """The stored document a file event brought, or None."""
    value = inbound.extra.get(DOCUMENT_ID)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
