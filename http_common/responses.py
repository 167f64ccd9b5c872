"""Responses shared by the JSON API and the web pages."""

from __future__ import annotations

from fastapi import Response


def recap_pdf_response(pdf: bytes) -> Response:
    """The recap print-out, shown in the browser and never cached (it holds personal data)."""
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="formulaire-inscription.pdf"',
            "Cache-Control": "no-store",
        },
    )
