"""Stored documents handed back to their users (audit documents, training materials,
policies' documents); one download view, permission-checked, for all of them
(benxi_cp.views.DownloadView)."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # the largest document a record keeps


def attachment(stored, filename: str, content_type: str) -> FileResponse:
    """The stored file as a download under the name its user gave it; a 404 with a clear
    message when the file has gone from the disk."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing.")) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
