"""Pages and consent for the content tests, made through Wagtail's own tree operations."""

import datetime
import io
from typing import Any

from django.core.files.images import ImageFile
from fpdf import FPDF
from PIL import Image as PILImage
from wagtail.models import Page

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.content import services
from medcenter.content.models import (
    CenterImage,
    ChecklistPage,
    EducationPage,
    LabPage,
    NewsPage,
    ResourcePage,
    StandardPage,
    StoryConsent,
    StoryPage,
)


def publish(parent: Page, page: Page) -> Any:
    """Add `page` under `parent` and publish it; return the specific page."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page.specific


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def image(
    *, description: str = "A nurse explains a chart", decorative: bool = False
) -> CenterImage:
    made = CenterImage(
        title="chart",
        file=ImageFile(io.BytesIO(png_bytes()), name="chart.png"),
        description=description,
        is_decorative=decorative,
    )
    made.full_clean()
    made.save()
    return made


def consent(*, minor: bool = False, guardian: str = "") -> StoryConsent:
    return services.record_story_consent(
        storyteller="Rowan Fictional",
        given_on=datetime.date(2026, 3, 1),
        scope="website",
        storyteller_is_minor=minor,
        guardian=guardian,
        form_name="consent.pdf",
        form_content=signed_form(),
        recorded_by=StaffUserFactory(),  # type: ignore[arg-type]
    )


def signed_form() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Signed story consent form (fictional)")
    return bytes(pdf.output())


def page_of_each_type(tree: Any) -> dict[str, list[Any]]:
    """One published page of each editorial type, by the schema.org type its JSON-LD names."""
    sections = tree.sections
    story_consent = consent()
    return {
        "MedicalWebPage": [
            publish(sections["resources"], ResourcePage(title="R", slug="r", body="<p>b</p>")),
            publish(
                sections["resources"],
                ChecklistPage(
                    title="C",
                    slug="c",
                    items=[("heading", "Papers"), ("item", "Insurance card")],
                ),
            ),
            publish(sections["labs"], LabPage(title="L", slug="l", focus="<p>f</p>")),
            publish(
                sections["education"],
                EducationPage(title="E", slug="e", kind="fellowship", body="<p>b</p>"),
            ),
            publish(tree.root, StandardPage(title="S", slug="s", body="<p>b</p>")),
        ],
        "Article": [
            publish(
                sections["stories"],
                StoryPage(title="St", slug="st", body="<p>b</p>", consent=story_consent),
            ),
            publish(
                sections["news"],
                NewsPage(
                    title="N",
                    slug="n",
                    body="<p>b</p>",
                    published_on=datetime.date(2026, 11, 2),
                ),
            ),
        ],
    }
