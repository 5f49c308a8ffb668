from django import template

from qms.files.pdf import pdf_available
from qms.files.serving import pdf_url as _pdf_url

register = template.Library()


@register.simple_tag
def pdf_downloads() -> bool:
    """``{% pdf_downloads as pdf %}``: whether a PDF can be offered beside a Word download (LibreOffice present)."""
    return pdf_available()


@register.filter
def pdf_url(url: str) -> str:
    """``{{ docx_url|pdf_url }}``: the PDF download beside the Word download at ``docx_url``."""
    return _pdf_url(url)
