"""The certificate PDF (workflow.md §9.4): A4, Lithuanian, DejaVu Sans embedded from ``projects/fonts``."""

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from projects.client_keys import client_name
from projects.evidence.checklist import checklist_confirmed_labels
from projects.evidence.selectors import project_certification_audit
from projects.models import CERTIFIED_STATUSES, Project
from vejapro.core.http.errors import BadRequest

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
LOCAL_TIME_ZONE = ZoneInfo("Europe/Vilnius")
MAX_FIELD_CHARS = 300
MARGIN = 20 * mm


@dataclass(frozen=True)
class CertificateContent:
    project_id: str
    client_name: str
    address: str | None
    area_m2: Decimal | None
    certified_on: str
    confirmed_items: list[str]
    expert: str | None


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in ((FONT_REGULAR, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def _text(value: object) -> str | None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = " ".join(str(value).split())
    return text[:MAX_FIELD_CHARS] or None


def certificate_content(*, project: Project) -> CertificateContent:
    """What the certificate says; 400 ``Projektas nėra sertifikuotas`` unless CERTIFIED or ACTIVE."""
    if project.status not in CERTIFIED_STATUSES or project.certified_at is None:
        raise BadRequest("Projektas nėra sertifikuotas")
    info = project.client_info if isinstance(project.client_info, dict) else {}
    estimate = info.get("estimate") if isinstance(info.get("estimate"), dict) else {}
    audit = project_certification_audit(project_id=project.pk)
    checklist = (audit.metadata or {}).get("checklist") if audit and isinstance(audit.metadata, dict) else None
    expert = project.assigned_expert
    with translation.override("lt"):
        return CertificateContent(
            project_id=str(project.pk),
            client_name=_text(client_name(info)) or _("Client"),
            address=_text(info.get("address")) or _text(estimate.get("address")),
            area_m2=project.area_m2,
            certified_on=project.certified_at.astimezone(LOCAL_TIME_ZONE).date().isoformat(),
            confirmed_items=checklist_confirmed_labels(checklist),
            expert=(_text(expert.full_name) or expert.email) if expert else None,
        )


def _area_text(area: Decimal) -> str:
    text = f"{area:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} m²"


def certificate_pdf(*, project: Project) -> bytes:
    """Render the certificate of a CERTIFIED or ACTIVE project as PDF bytes."""
    content = certificate_content(project=project)
    _register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = Canvas(buffer, pagesize=A4, pageCompression=1)
    with translation.override("lt"):
        pdf.setTitle(_("Lawn installation certificate"))
        pdf.setAuthor("UAB VejaPRO")
        pdf.setSubject(content.project_id)
        y = height - MARGIN

        pdf.setFont(FONT_BOLD, 22)
        pdf.drawString(MARGIN, y, _("Lawn installation certificate"))
        y -= 10 * mm
        pdf.setFont(FONT_REGULAR, 11)
        pdf.drawString(MARGIN, y, f"VejaPRO · {settings.PUBLIC_BASE_URL}")
        y -= 6 * mm
        pdf.setLineWidth(0.8)
        pdf.line(MARGIN, y, width - MARGIN, y)
        y -= 10 * mm

        rows = [
            (_("Project ID"), content.project_id),
            (_("Client"), content.client_name),
        ]
        if content.address:
            rows.append((_("Address"), content.address))
        if content.area_m2 is not None:
            rows.append((_("Area"), _area_text(content.area_m2)))
        rows.append((_("Certification date"), content.certified_on))
        if content.expert:
            rows.append((_("Expert"), content.expert))

        label_width = 50 * mm
        value_width = width - 2 * MARGIN - label_width
        for label, value in rows:
            pdf.setFont(FONT_BOLD, 11)
            pdf.drawString(MARGIN, y, f"{label}:")
            pdf.setFont(FONT_REGULAR, 11)
            for line in simpleSplit(value, FONT_REGULAR, 11, value_width) or [""]:
                pdf.drawString(MARGIN + label_width, y, line)
                y -= 6 * mm
            y -= 1 * mm

        y -= 6 * mm
        pdf.setFont(FONT_BOLD, 13)
        pdf.drawString(MARGIN, y, _("Confirmed checklist items"))
        y -= 8 * mm
        pdf.setFont(FONT_REGULAR, 11)
        for label in content.confirmed_items:
            pdf.drawString(MARGIN + 4 * mm, y, f"✓ {label}")
            y -= 6 * mm

        pdf.setFont(FONT_REGULAR, 9)
        pdf.drawString(
            MARGIN,
            MARGIN,
            _("The lawn was inspected and certified by a VejaPRO expert."),
        )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
