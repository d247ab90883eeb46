"""PDF documents (certificates, portfolios) with fpdf2 and DejaVu Sans, so that names in any
script print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"


def new_pdf(*, title: str, landscape: bool = False) -> Any:
    """An FPDF document with one page and the body font set (family "body")."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape" if landscape else "portrait", format="letter")
    pdf.set_title(title)
    pdf.add_font("body", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("body", size=12)
    return pdf


def line(pdf: Any, text: str, *, size: int = 12, height: float = 7, align: str = "L") -> None:
    """One line (wrapped when long) in the body font."""
    pdf.set_font("body", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")
