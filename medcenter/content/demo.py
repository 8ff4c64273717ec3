"""Demo content (after the directory in seeding order): the five patient resources and a
printable checklist in six languages (translated through PO files, as translators work), a
fictional story with recorded consent, two labs, education listings and news."""

import datetime
import random

import polib
from django.contrib.auth.models import Group
from fpdf import FPDF
from wagtail.models import Page

from medcenter.accounts.demo import _authenticator, account, staff_email
from medcenter.accounts.models import User
from medcenter.content import demo_texts, services
from medcenter.content.models import (
    ChecklistPage,
    EducationPage,
    LabPage,
    NewsPage,
    RecordLink,
    ResourcePage,
    SectionPage,
    StoryConsent,
    StoryPage,
)
from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Program

STORY_FORM_TEXT = "Story consent form - fictional storyteller - signed 2026-02-14"


def seed(*, rng: random.Random) -> list[DemoLogin]:
    """Build the editorial pages once; later runs leave them as editors left them."""
    tree = services.ensure_content_tree()
    services.ensure_editorial_setup()
    editor = account(email=staff_email("content_editor"), full_name="Avery Quill", is_staff=True)
    editor.groups.add(Group.objects.get(name=services.EDITORS))
    reviewer = account(
        email=staff_email("content_reviewer"), full_name="Jordan Ledger", is_staff=True
    )
    reviewer.groups.add(Group.objects.get(name=services.REVIEWERS))
    secret = _authenticator(reviewer, rng)
    if not ResourcePage.objects.exists():
        _resources(tree.sections["resources"], reviewer)
        _story(tree.sections["stories"], reviewer)
        _labs(tree.sections["labs"])
        _education(tree.sections["education"])
        _news(tree.sections["news"])
    return [
        DemoLogin(
            "content reviewer",
            reviewer.email,
            "(the demo password)",
            f"authenticator key {secret}; editors: {editor.email} (cms_editor)",
        )
    ]


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _link_program(page: Page, slug: str) -> None:
    program = Program.objects.filter(slug=slug).first()
    if program is not None:
        RecordLink.objects.create(page=page, program=program)


def _resources(section: SectionPage, reviewer: User) -> None:
    translated: list[Page] = [section]
    for slug, program_slug, title, summary, paragraphs in demo_texts.RESOURCES:
        page = _publish(
            section,
            ResourcePage(
                title=title,
                slug=slug,
                summary=summary,
                body="".join(f"<p>{text}</p>" for text in paragraphs),
            ),
        )
        if program_slug:
            _link_program(page, program_slug)
        translated.append(page)
    slug, title, summary, items = demo_texts.CHECKLIST
    translated.append(
        _publish(section, ChecklistPage(title=title, slug=slug, summary=summary, items=items))
    )
    for page in translated:
        for index, language in enumerate(demo_texts.LANGUAGES):
            _translate(page, language, index, reviewer)


def _translate(page: Page, language: str, index: int, user: User) -> None:
    """Export the page's PO file, fill it as a translator would, and import it back."""
    po = polib.pofile(services.export_translation_po(page=page, language=language))
    for entry in po:
        texts = demo_texts.TRANSLATIONS.get(entry.msgid)
        if texts is not None:
            entry.msgstr = texts[index]
    services.import_translation_po(
        page=page.specific, language=language, po_text=str(po), user=user
    )


def _story(section: SectionPage, reviewer: User) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=STORY_FORM_TEXT)
    consent: StoryConsent = services.record_story_consent(
        storyteller="Rowan Ellery (fictional)",
        given_on=datetime.date(2026, 2, 14),
        scope="website",
        storyteller_is_minor=False,
        guardian="",
        form_name="story-consent.pdf",
        form_content=bytes(pdf.output()),
        recorded_by=reviewer,
    )
    story = _publish(
        section,
        StoryPage(
            title="Back on the trail after bone sarcoma",
            slug="back-on-the-trail",
            summary="A fictional hiker's year of treatment and rehabilitation.",
            body=(
                "<p>When Rowan felt a deep ache in the left knee, a hike was the last thing on "
                "the calendar.</p><h2>A team in one place</h2><p>The sarcoma team planned "
                "surgery, chemotherapy and rehabilitation together.</p><p>A year later, "
                "Rowan is walking the valley trail again.</p>"
            ),
            consent=consent,
        ),
    )
    _link_program(story, "bone-sarcoma")
    _link_program(story, "rehabilitation")


def _labs(section: SectionPage) -> None:
    for slug, title, summary, focus in (
        (
            "tissue-archive",
            "Tumor Tissue Archive",
            "A consented, quality-controlled archive of tumor and blood samples.",
            "<p>The archive stores samples donated with consent, annotated with staging "
            "and outcomes, for approved research.</p><ul><li>Fresh-frozen and fixed "
            "tissue</li><li>Blood and plasma</li></ul>",
        ),
        (
            "computational-biology",
            "Computational Biology Lab",
            "Methods for genomic data, from variant calling to trial matching.",
            "<p>The lab develops open methods to read tumor genomes and match patients to "
            "clinical trials.</p>",
        ),
    ):
        _publish(
            section,
            LabPage(
                title=title,
                slug=slug,
                summary=summary,
                focus=focus,
                contact_email=f"{slug}@aster-valley.example",
            ),
        )


def _education(section: SectionPage) -> None:
    for slug, title, kind, years, positions in (
        ("medical-oncology-fellowship", "Medical Oncology Fellowship", "fellowship", 3, 4),
        (
            "musculoskeletal-oncology-fellowship",
            "Musculoskeletal Oncology Fellowship",
            "fellowship",
            1,
            2,
        ),
        ("radiation-oncology-residency", "Radiation Oncology Residency", "residency", 4, 3),
    ):
        _publish(
            section,
            EducationPage(
                title=title,
                slug=slug,
                kind=kind,
                duration_years=years,
                positions=positions,
                application_deadline=datetime.date(2027, 1, 15),
                summary=f"{title}: {positions} positions a year.",
                body="<p>Trainees rotate through clinics, tumor boards and research.</p>",
            ),
        )


def _news(section: SectionPage) -> None:
    for day, slug, title, summary in (
        (
            datetime.date(2026, 10, 6),
            "new-survivorship-clinic",
            "New survivorship clinic opens",
            "Follow-up care and support after treatment, in one visit.",
        ),
        (
            datetime.date(2026, 11, 3),
            "patient-resources-in-six-languages",
            "Patient resources now in six languages",
            "Our guides are now in English, Spanish, Portuguese, Chinese, Arabic and Russian.",
        ),
    ):
        _publish(
            section,
            NewsPage(
                title=title,
                slug=slug,
                summary=summary,
                published_on=day,
                body=f"<p>{summary}</p>",
            ),
        )
