"""The report as PDF, laid out by WeasyPrint: run in the worker process (workshop/worker.py).

WeasyPrint (and Pango under it) is imported here only, in the worker: a server without them
still runs, and its report page says that the PDF cannot be made there (`available`).
"""

from __future__ import annotations

import ctypes.util
import importlib.util
from functools import cache


@cache
def available() -> bool:
    """Whether this server can lay out PDFs: WeasyPrint installed and Pango found."""
    return (importlib.util.find_spec("weasyprint") is not None
            and ctypes.util.find_library("pangoft2-1.0") is not None)


def write_pdf(html: str, css: str) -> bytes:
    """The PDF of a whole HTML document with its stylesheet; nothing is fetched from outside."""
    from weasyprint import CSS, HTML  # noqa: PLC0415 (only in the worker, and only if there)

    def refuse(url: str, *args, **kwargs):
        raise ValueError(f"the report fetches nothing: {url[:80]}")

    document = HTML(string=html, url_fetcher=refuse)
    return document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=refuse)])


def warm_up() -> bool:
    """Load WeasyPrint and lay out a line, so that the first real report is not the slow one."""
    write_pdf("<!doctype html><html lang='fi'><p>Tupa: äö å</p></html>",
              "body { font-family: 'DejaVu Sans', sans-serif; }")
    return True
