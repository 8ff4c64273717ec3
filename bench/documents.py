"""PDF documents (core.documents, ADR 0008): a two-page consult letter in Arabic, shaped and set
right to left with embedded Noto fonts, and the same letter in English as a baseline, timed in
one process. Target: the Arabic letter's p95 under 300 ms on 2 cores.

    .venv/bin/python bench/documents.py [--runs 40]

Wall times count the waits for a core; on a machine others keep busy, the CPU lines show what
a document costs, and (as root) `chrt -f 10 .venv/bin/python bench/documents.py` gives the
benchmark a core, as an idle machine would.
"""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")

import django  # noqa: E402

django.setup()

import io  # noqa: E402
import time  # noqa: E402

from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench._common import line, load, timed  # noqa: E402
from medcenter.scheduling.letters import letter_pdf  # noqa: E402
from medcenter.scheduling.models import Referral  # noqa: E402

SUMMARY = {
    "ar": (
        "راجعت المريضة العيادة برفقة ابنتها. ناقشنا نتائج التصوير والخزعة، وشرحنا خيارات العلاج "
        "الكيميائي قبل الجراحة ومدته المتوقعة وآثاره الجانبية الشائعة. وافقت المريضة على الخطة، "
        "وسنرسل إليكم تقريراً بعد كل دورة علاج. "
    ),
    "en": (
        "The patient came to clinic with her daughter. We discussed the imaging and biopsy "
        "results, and explained chemotherapy before surgery, how long it lasts and its common "
        "side effects. The patient agreed to the plan, and we will report to you after each "
        "cycle. "
    ),
}
NAMES = {"ar": ("فاطمة", "الزهراء"), "en": ("Margaret", "O'Neill")}


def letter(language: str) -> bytes:
    given, family = NAMES[language]
    referral = Referral(
        given_name=given,
        family_name=family,
        date_of_birth=date(1961, 3, 14),
        diagnosis="Osteosarcoma",
        referrer_name="Dr. Ada Quill",
        referrer_practice="Fairhaven Family Medicine",
        referrer_npi="1234567893",
        consult_summary="\n".join([SUMMARY[language] * 3] * 9),
        language=language,
    )
    with translation.override(language):
        return letter_pdf(referral, [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    print(f"PDF documents: consult letter, {args.runs} runs each ({load()})")
    for language, target in (("en", None), ("ar", 300.0)):
        letter(language)  # warm: imports, HarfBuzz, the fonts' first parse
        times, cpu, pdf = [], [], b""
        for _ in range(args.runs):
            started = time.process_time()
            ms, pdf = timed(letter, language)
            cpu.append((time.process_time() - started) * 1000)
            times.append(ms)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(line(f"{language}: {pages} pages, {len(pdf) // 1024} KiB", times, target))
        # CPU time of this process alone: what the wall clock shows when no one else runs.
        print(line(f"{language}: CPU time", cpu, target))
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
