"""Stored documents handed back to their users (audit documents, training materials,
policies' documents); one download view, permission-checked, for all of them
(benxi_cp.views.DownloadView)."""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePath

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


@contextlib.contextmanager
def local_copy(storage, name: str) -> Iterator[Path]:
    """A stored file copied to a temporary file on this machine (the importers read a file
    by its path, and a bucket has none), removed afterwards; same suffix as `name`."""
    with (
        tempfile.NamedTemporaryFile(suffix=PurePath(name).suffix) as copy,
        storage.open(name, "rb") as stored,
    ):
        shutil.copyfileobj(stored, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)
