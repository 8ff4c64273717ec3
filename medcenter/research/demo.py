"""Fictional publications by demo clinicians, with obviously fake identifiers (PMIDs from
90000001, DOIs under the 10.5555 test prefix), and two labs."""

from __future__ import annotations

import random

from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Clinician, Program
from medcenter.research import services
from medcenter.research.models import Authorship, Lab, Publication, Source

LABS = [
    (
        "tissue-archive",
        "Tumor Tissue Archive",
        "bone-sarcoma",
        "Banked, consented tumor samples for research.",
    ),
    (
        "computational-biology",
        "Computational Biology Lab",
        "cancer-genetics",
        "Methods for reading tumor genomes.",
    ),
]

# title, journal, year, lab, program, authors ("Family, Given" of demo clinicians; others fictional)
PAPERS = [
    (
        "Fictional outcomes of limb-sparing surgery in a demonstration cohort",
        "Journal of Demonstration Oncology",
        2025,
        "tissue-archive",
        "bone-sarcoma",
        ["Ashgrove, Severin", "Okafor-Lund, Imani", "Example, Casey"],
    ),
    (
        "A made-up registry of Ewing sarcoma in young adults",
        "Demo Sarcoma Reports",
        2024,
        "tissue-archive",
        "bone-sarcoma",
        ["Fernández-Oyelaran, Lucia", "Ashgrove, Severin"],
    ),
    (
        "Synthetic data methods for teaching tumor boards",
        "Practice of Fictional Medicine",
        2023,
        "computational-biology",
        "bone-sarcoma",
        ["Okafor-Lund, Imani", "Sample, Jordan"],
    ),
    (
        "An imaginary trial of exercise during lung cancer treatment",
        "Journal of Demonstration Oncology",
        2025,
        None,
        "thoracic",
        ["Zhang-Holloway, Wei", "Placeholder, Robin"],
    ),
    (
        "Invented measures of caregiver strain in breast cancer",
        "Demo Supportive Care",
        2024,
        None,
        "breast",
        ["Haddad-Perrin, Nadia", "Example, Casey"],
    ),
    (
        "A fictional look at language access in a cancer clinic",
        "Demo Health Equity",
        2022,
        None,
        "gynecologic",
        ["Moreira-Lane, Beatriz", "Haddad-Perrin, Nadia"],
    ),
    (
        "Toy models of clonal evolution for demonstration",
        "Computational Demo Biology",
        2025,
        "computational-biology",
        "cancer-genetics",
        ["Sample, Jordan", "Zhang-Holloway, Wei"],
    ),
    (
        "A pretend audit of leukemia follow-up visits",
        "Demo Hematology Letters",
        2023,
        None,
        "leukemia",
        ["Sokolov-Grant, Pavel"],
    ),
]


def seed(*, rng: random.Random) -> list[DemoLogin]:
    programs = {p.slug: p for p in Program.objects.all()}
    labs = {}
    for slug, name, program, description in LABS:
        labs[slug], _created = Lab.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "program": programs.get(program), "description": description},
        )
    for n, (title, journal, year, lab, program, authors) in enumerate(PAPERS, start=1):
        publication, created = Publication.objects.get_or_create(
            pmid=str(90000000 + n),
            defaults={
                "doi": f"10.5555/avcc.demo.{n:04d}",
                "title": title,
                "journal": journal,
                "year": year,
                "volume": str(rng.randint(1, 40)),
                "pages": f"{(start := rng.randint(1, 900))}-{start + rng.randint(4, 12)}",
                "authors": authors,
                "source": Source.MANUAL,
            },
        )
        if not created:
            continue
        if program in programs:
            publication.programs.add(programs[program])
        if lab:
            publication.labs.add(labs[lab])
        services.suggest_authorships(
            publication=publication, clinicians=Clinician.objects.filter(is_active=True)
        )
        # The demo's editor has checked these: confirmed, so they show on the profiles (one
        # left suggested, so the editors' page has something to review).
        for authorship in Authorship.objects.filter(publication=publication, status="suggested"):
            if n != len(PAPERS):
                services.decide_authorship(authorship=authorship, confirm=True, actor=None)
    return []
