"""PDF of a Word file, converted by LibreOffice in headless mode (PDF/A-2b).

LibreOffice is optional: ``libreoffice_path()`` says whether it is installed
(``settings.QMS_SOFFICE``: a path, or ``""`` to turn PDF off; unset, ``soffice``
is looked up on ``PATH``). Each process uses its own LibreOffice profile under
``DATA_DIR``, so conversions from several processes never share one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

#: The writer_pdf_Export filter with PDF/A-2b (``SelectPdfVersion`` 2).
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: Seconds one conversion may take, plus this much per further file of a batch.
TIMEOUT_SECONDS = 120
TIMEOUT_PER_FILE = 20
#: One conversion at a time per process: they share the process's profile.
_profile_lock = threading.Lock()


class PdfConversionError(Exception):
    """The PDF could not be made; the message is for the user (translated)."""


def libreoffice_path() -> str | None:
    """The ``soffice`` program, or None when LibreOffice is not installed (or turned off)."""
    configured = getattr(settings, "QMS_SOFFICE", None)
    if configured is not None:
        return configured if configured and os.access(configured, os.X_OK) else None
    return shutil.which("soffice")


def pdf_available() -> bool:
    return libreoffice_path() is not None


def profile_dir() -> Path:
    """This process's LibreOffice profile (created by LibreOffice on first use)."""
    return Path(settings.DATA_DIR) / f"lo-profile-{os.getpid()}"


def docx_files_to_pdf(paths: Iterable[Path | str], outdir: Path | str, *, profile: Path | None = None) -> list[Path]:
    """Convert every Word file of ``paths`` to ``outdir/<stem>.pdf`` with ONE LibreOffice process.

    Returns the PDF paths in the order of ``paths``; raises ``PdfConversionError``
    if LibreOffice is missing, fails, runs out of time or leaves a PDF unwritten.
    """
    paths = [Path(p) for p in paths]
    outdir = Path(outdir)
    soffice = libreoffice_path()
    if soffice is None:
        raise PdfConversionError(_("PDF is not available: LibreOffice is not installed on the server."))
    if not paths:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(profile) if profile else profile_dir()
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--convert-to",
        PDF_FILTER,
        "--outdir",
        str(outdir),
        *(str(p) for p in paths),
    ]
    timeout = TIMEOUT_SECONDS + TIMEOUT_PER_FILE * (len(paths) - 1)
    try:
        with _profile_lock:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise PdfConversionError(_("The PDF could not be made in time. Download the Word file instead.")) from error
    except (OSError, subprocess.CalledProcessError) as error:
        raise PdfConversionError(_("The PDF could not be made. Download the Word file instead.")) from error
    pdfs = [outdir / f"{p.stem}.pdf" for p in paths]
    if not all(pdf.is_file() and pdf.stat().st_size for pdf in pdfs):
        raise PdfConversionError(_("The PDF could not be made. Download the Word file instead."))
    return pdfs


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF/A-2b of the Word file ``data``."""
    with tempfile.TemporaryDirectory(prefix="qms-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(data)
        (pdf,) = docx_files_to_pdf([source], Path(work) / "out")
        return pdf.read_bytes()
