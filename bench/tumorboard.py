"""Tumor board packet and agenda speed.

1. The packet's computation for one case, warm (compiled trials and the annotator built
   once, cold build printed apart): a 500-variant genotype re-annotated against today's
   knowledge base, the latest stage restaged, and `matcher.match_profile` (best 10, every
   criterion explained) over 5,000 open trials (bench/trials_speed.py's generated
   ClinicalTrials.gov texts, parsed and compiled), then `packet.build_packet`. Target p95 <
   100 ms. In process, no database: the packet is a pure function over what the selector
   reads (the selector's reads are a constant handful of queries).
2. The agenda of 20 cases, per backend in a throw-away database (SQLite, and PostgreSQL when
   reachable): `selectors.agenda(meeting)` (cases in order, minutes, attendance, quorum) and
   placing one more case (the overrun check) then postponing it, and moving a case up and
   back down the agenda. Target p95 < 300 ms.

    .venv/bin/python bench/tumorboard.py [--trials 5000] [--variants 500] [--runs 50]
                                         [--backend sqlite|postgresql|both] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

from _common import line, load, run_per_backend, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_PACKET_MS, TARGET_AGENDA_MS = 100.0, 300.0
GENES = [
    "EGFR",
    "KRAS",
    "BRAF",
    "ALK",
    "ROS1",
    "MET",
    "RET",
    "ERBB2",
    "PIK3CA",
    "IDH1",
    "IDH2",
    "TP53",
    "PTEN",
    "NRAS",
    "KIT",
    "PDGFRA",
    "BRCA1",
    "BRCA2",
    "FGFR2",
    "FGFR3",
]


def packet_bench(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    import django

    django.setup()
    import trials_speed

    from medcenter.oncology.genomics import default_annotator
    from medcenter.trials.matcher import match_profile
    from medcenter.trials.matcher.compiled import CompiledTrials
    from medcenter.tumorboards.packet import PacketInput, build_packet

    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data
    print(f"\n1. Packet for one case, {load()}")
    texts = trials_speed.trial_texts(args.trials, rng)
    ms, parsed = timed(trials_speed.parse_all, [t.criteria for t in texts], 2)
    print(f"  cold: parse {args.trials} trials' criteria {ms / 1000:.1f} s")
    rules = trials_speed.compile_all(texts, parsed)
    ms, population = timed(CompiledTrials, rules)
    print(f"  cold: CompiledTrials {ms:.0f} ms")
    ms, annotator = timed(default_annotator)
    print(f"  cold: annotator {ms:.0f} ms")
    profiles = [p for p in trials_speed.patients(400, rng) if p.oncotree][: args.runs]
    changes = ["V600E", "G12C", "L858R", "R132H", "E545K", "R273H", "T790M", "Q61K", "D816V"]
    variants = [
        {
            "gene": rng.choice(GENES) if i % 5 == 0 else f"GENE{i}",
            "kind": "",
            "protein_short": rng.choice(changes),
            "fusion_partner": "",
            "annotation": {},
        }
        for i in range(args.variants)
    ]
    stage = {
        "scheme": "nsclc",
        "classification": "clinical",
        "t": "T3",
        "n": "N3",
        "m": "M0",
        "grade": "",
        "stage_group": "IIIC",
        "rule_version": "AJCC8/lung/1",
        "facts": {},
    }

    def one(profile: object) -> dict[str, object]:
        matches = match_profile(
            profile,
            trials=population,
            limit=10,
            include_ineligible=False,  # type: ignore[arg-type]
        )
        lines = [
            {
                "nct_id": f"NCT{m.trial_id:08d}",
                "eligible": m.eligible,
                "criteria": [
                    {"section": v.section, "criterion": v.source, "outcome": v.outcome}
                    for v in m.verdicts
                ],
            }
            for m in matches
        ]
        data = PacketInput(
            diagnoses=[{"description": "Adenocarcinoma", "stage": stage}],
            tumor_type="LUAD",
            variants=variants,
            trials=lines,
            catalogue_version="bench",
        )
        return build_packet(data, annotator=annotator)

    one(profiles[0])  # warm the annotator's cache for this tumor type
    times = [timed(one, p)[0] for p in profiles]
    print(line(f"packet: {args.variants} variants, {args.trials} trials", times, TARGET_PACKET_MS))


def agenda_child(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    import django

    django.setup()
    from datetime import time as clock
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from medcenter.accounts.models import User
    from medcenter.directory.models import Specialty
    from medcenter.oncology.models import CancerDiagnosis
    from medcenter.patients.access import ALL_SCOPES, PatientAccess
    from medcenter.patients.models import Patient
    from medcenter.tumorboards import selectors, services
    from medcenter.tumorboards.models import Board, Meeting

    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    call_command("migrate", verbosity=0)
    print(f"\n2. Agenda of 20 cases ({backend}), {load()}")
    actor = User.objects.create(email="bench@example.test", is_staff=True)
    board = Board.objects.create(
        slug="bench",
        name="Bench board",
        frequency="weekly",
        starts_on=timezone.localdate(),
        start_time=clock(7, 0),
        length_minutes=240,
        oncotree_roots=["LUNG"],
    )
    start = timezone.now() + timedelta(days=7)
    meeting = Meeting.objects.create(
        board=board, starts_at=start, length_minutes=240, cutoff_at=start - timedelta(days=2)
    )
    for slug in ("surgical-oncology", "medical-oncology", "pathology"):
        specialty = Specialty.objects.create(slug=slug, name=slug)
        services.add_member(
            board=board, user=actor, specialty=specialty, role="member", actor=actor
        )
        services.record_attendance(
            meeting=meeting, actor=actor, specialty=specialty, mode="room", user=actor
        )
    cases = []
    for n in range(21):
        patient = Patient.objects.create(
            mrn=f"B{n:07d}",
            given_name="Bench",
            family_name=f"Case{n}",
            date_of_birth="1960-01-01",
            sex="female",
        )
        diagnosis = CancerDiagnosis.objects.create(
            patient=patient, kind="primary", description="Adenocarcinoma", oncotree_code="LUAD"
        )
        access = PatientAccess(patient, "care_team", ALL_SCOPES, True, None)
        cases.append(
            services.submit_case(
                access=access,
                actor=actor,
                question="initial_plan",
                question_detail="Plan?",
                urgency="routine",
                diagnosis=diagnosis,
                meeting=meeting if n < 20 else None,
                minutes=10,
            )
        )
    reads = [timed(selectors.agenda, meeting)[0] for _ in range(args.runs)]
    print(line("selectors.agenda, 20 cases", reads, TARGET_AGENDA_MS))
    extra, cycle = cases[-1], []
    for _ in range(args.runs):
        ms_place, _ = timed(
            services.place_case, case=extra, meeting=meeting, minutes=10, actor=actor
        )
        ms_back, _ = timed(services.postpone_case, case=extra, actor=actor)
        cycle.append(ms_place + ms_back)
    print(line("place a 21st case, then postpone", cycle, TARGET_AGENDA_MS))
    middle, moves = str(cases[10].public_id), []
    for _ in range(args.runs):
        ms_up, _ = timed(services.move_case, meeting=meeting, case_id=middle, up=True, actor=actor)
        ms_down, _ = timed(
            services.move_case, meeting=meeting, case_id=middle, up=False, actor=actor
        )
        moves.append(ms_up + ms_down)
    print(line("move a case up, then back down", moves, TARGET_AGENDA_MS))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5000)
    parser.add_argument("--variants", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backend", default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-packet", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        agenda_child(args)
        return
    if not args.skip_packet:
        packet_bench(args)
    sys.exit(
        run_per_backend(
            __file__,
            backend=args.backend,
            flags=["--runs", str(args.runs)],
            pg_name="medcenter_bench_tumorboard",
            prefix="tumorboard-bench-",
        )
    )


if __name__ == "__main__":
    main()
