"""What a stored document may be: its kind, checked by its extension and its first bytes,
and its size (benxi_cp.models.StoredDocument, the forms' DocumentsField)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from benxi_cp.files import MAX_DOCUMENT_BYTES

# extension → (content type, the first bytes a real file of that kind starts with)
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", _OLE),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
}


def document_type(upload) -> str:
    """The content type of an uploaded audit document; refuses other kinds and large files."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Upload a document of one of these kinds: %(kinds)s."),
            code="document_kind",
            params={"kinds": ", ".join(sorted(DOCUMENT_TYPES))},
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The document is larger than %(limit)s."),
            code="document_size",
            params={"limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    if upload.size == 0:
        raise ValidationError(_("The document is empty."), code="document_empty")
    content_type, signatures = DOCUMENT_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("The file's content does not match its %(suffix)s name."),
            code="document_content",
            params={"suffix": suffix},
        )
    if not signatures and b"\x00" in head:
        raise ValidationError(_("A text document cannot hold binary data."), code="document_text")
    return content_type
