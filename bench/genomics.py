"""Tumor genotyping throughput: parse and annotate a generated 1,000,000-variant VCF.

Writes a snpEff-annotated VCF to a temp dir (mostly passenger variants across ~18,000 genes:
non-coding, synonymous, missense, truncating, in-frame indels, splice sites; about 1% known
actionable variants and a few fusion breakends), then times, each with cold caches:
  1. parse only (cyvcf2 + ANN → Alterations),
  2. annotate only (the parsed Alterations → classes, hotspot, therapies),
  3. end to end (parse + annotate, streaming), the figure the issue sets at >= 100,000 variants/s.

    .venv/bin/python bench/genomics.py [--variants 1000000] [--tumor-type LUAD] [--repeat 3]
"""

import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")

AMINO = "ACDEFGHIKLMNPQRSTVWY"
NAMES = "Ala Cys Asp Glu Phe Gly His Ile Lys Leu Met Asn Pro Gln Arg Ser Thr Val Trp Tyr"
THREE = dict(zip(AMINO, NAMES.split(" "), strict=True))
ANN_HEADER = (
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
    "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
    "Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / "
    "CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">"
)
# (gene, effect, HGVS.p, rank) of actionable variants sprinkled through the file.
ACTIONABLE = [
    ("EGFR", "missense_variant", "p.Leu858Arg", "21/28"),
    ("EGFR", "disruptive_inframe_deletion", "p.Glu746_Ala750del", "19/28"),
    ("EGFR", "missense_variant", "p.Thr790Met", "20/28"),
    ("EGFR", "disruptive_inframe_insertion", "p.Asp770_Asn771insSerValAsp", "20/28"),
    ("EGFR", "missense_variant", "p.Cys797Ser", "20/28"),
    ("KRAS", "missense_variant", "p.Gly12Cys", "2/5"),
    ("KRAS", "missense_variant", "p.Gly12Asp", "2/5"),
    ("BRAF", "missense_variant", "p.Val600Glu", "15/18"),
    ("PIK3CA", "missense_variant", "p.His1047Arg", "21/21"),
    ("IDH1", "missense_variant", "p.Arg132His", "4/10"),
    ("ERBB2", "missense_variant", "p.Ser310Phe", "8/27"),
    ("PDGFRA", "missense_variant", "p.Asp842Val", "18/23"),
    ("MET", "splice_donor_variant&intron_variant", "", "14/20"),
    ("TP53", "missense_variant", "p.Arg273His", "8/11"),
    ("TP53", "stop_gained", "p.Arg213*", "6/11"),
]
NONCODING = ["intron_variant", "intergenic_region", "upstream_gene_variant", "3_prime_UTR_variant"]


def cancer_genes() -> list[str]:
    """Real genes that the hotspot list or the knowledge base names (passengers hit them too)."""
    import json

    data = ROOT / "medcenter/oncology/genomics/data"
    hotspots = json.loads((data / "hotspots.json").read_text())["hotspots"]
    curated = json.loads((data / "actionability.json").read_text())["entries"]
    return sorted(set(hotspots) | {entry["gene"] for entry in curated})


def write_vcf(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 (seeded test data, not security)
    # About 1 in 20 passenger variants lands in a known cancer gene, the rest in the other
    # ~18,000 genes (synthetic names).
    genes = [f"G{n:05d}" for n in range(18_000)]
    known = cancer_genes()
    per_chrom = count // 22 + 1
    with path.open("w") as out:
        out.write("##fileformat=VCFv4.2\n")
        out.write(ANN_HEADER + "\n")
        out.write('##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
        out.write('##INFO=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n')
        out.write('##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">\n')
        out.write('##INFO=<ID=MATEID,Number=1,Type=String,Description="Mate">\n')
        out.write('##FILTER=<ID=LowQual,Description="Low quality">\n')
        for chrom in range(1, 23):
            out.write(f"##contig=<ID=chr{chrom}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        written = 0
        for chrom in range(1, 23):
            position = 10_000
            lines = []
            for _ in range(min(per_chrom, count - written)):
                position += rng.randint(1, 200)
                lines.append(_record(rng, genes, known, f"chr{chrom}", position, written))
                written += 1
            out.write("".join(lines))


def _record(
    rng: random.Random, genes: list[str], known: list[str], chrom: str, pos: int, number: int
) -> str:
    roll = rng.random()
    filt = "LowQual" if rng.random() < 0.05 else "PASS"
    info = f"DP={rng.randint(40, 900)};AF={rng.randint(2, 98) / 100:.2f}"
    if roll < 0.0001:
        mate = f"bnd{number}"
        ann = "<DUP>|gene_fusion|HIGH|EML4&ALK|EML4&ALK|gene_variant|EML4|||||||||"
        return (
            f"{chrom}\t{pos}\t{mate}\tA\tA]chr2:29446394]\t60\tPASS\t{info};SVTYPE=BND;ANN={ann}\n"
        )
    ref, alt = rng.choice("ACGT"), rng.choice("ACGT")
    if roll < 0.01:
        gene, effect, hgvsp, rank = rng.choice(ACTIONABLE)
    else:
        if rng.random() < 0.05:
            gene = rng.choice(known)
        elif rng.random() < 0.5:
            gene = genes[int(rng.paretovariate(1.2)) % len(genes)]
        else:
            gene = rng.choice(genes)
        aa = rng.randint(2, 1800)
        ref_aa, alt_aa = rng.choice(AMINO), rng.choice(AMINO)
        rank = f"{rng.randint(1, 30)}/30"
        if roll < 0.41:
            effect, hgvsp = rng.choice(NONCODING), ""
        elif roll < 0.51:
            effect, hgvsp = "synonymous_variant", f"p.{THREE[ref_aa]}{aa}{THREE[ref_aa]}"
        elif roll < 0.88:
            effect, hgvsp = "missense_variant", f"p.{THREE[ref_aa]}{aa}{THREE[alt_aa]}"
        elif roll < 0.92:
            effect, hgvsp = "stop_gained", f"p.{THREE[ref_aa]}{aa}*"
        elif roll < 0.95:
            effect, hgvsp = "frameshift_variant", f"p.{THREE[ref_aa]}{aa}fs"
        elif roll < 0.98:
            effect = "disruptive_inframe_deletion"
            hgvsp = f"p.{THREE[ref_aa]}{aa}_{THREE[alt_aa]}{aa + 2}del"
        else:
            effect, hgvsp = "splice_acceptor_variant&intron_variant", ""
    ann = (
        f"{alt}|{effect}|MODERATE|{gene}|{gene}|transcript|ENST{number:011d}|protein_coding|"
        f"{rank}|c.1A>G|{hgvsp}|||||"
    )
    return f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\t{filt}\t{info};ANN={ann}\n"


def clear_caches() -> None:
    from medcenter.oncology.genomics import protein

    protein._parse.cache_clear()
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", type=int, default=1_000_000)
    parser.add_argument("--tumor-type", default="LUAD")
    parser.add_argument("--keep", action="store_true", help="keep the generated VCF")
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs; best is shown")
    args = parser.parse_args()

    import django

    django.setup()
    from medcenter.oncology.genomics import Annotator, read_vcf

    scratch = Path(tempfile.mkdtemp(prefix="medcenter-genomics-"))
    vcf = scratch / "tumor.vcf"
    started = time.perf_counter()
    write_vcf(vcf, args.variants)
    size = vcf.stat().st_size / 1e6
    elapsed = time.perf_counter() - started
    print(f"generated {args.variants:,} variants ({size:.0f} MB) in {elapsed:.1f} s")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, tumor type {args.tumor_type}")

    clear_caches()
    started, cpu = time.perf_counter(), time.process_time()
    alterations = list(read_vcf(vcf))
    parse_s, parse_cpu = time.perf_counter() - started, time.process_time() - cpu
    kinds: dict[str, int] = {}
    for alteration in alterations:
        kinds[alteration.kind.value] = kinds.get(alteration.kind.value, 0) + 1

    clear_caches()
    annotator = Annotator()
    started, cpu = time.perf_counter(), time.process_time()
    annotated = list(annotator.annotate_iter(tumor_type=args.tumor_type, alterations=alterations))
    annotate_s, annotate_cpu = time.perf_counter() - started, time.process_time() - cpu
    actionable = sum(1 for a in annotated if a.therapies)
    hotspots = sum(1 for a in annotated if a.hotspot is not None)
    unique = len({alteration.key for alteration in alterations})
    del annotated, alterations

    runs = []
    for _run in range(args.repeat):
        clear_caches()
        annotator = Annotator()
        started, cpu = time.perf_counter(), time.process_time()
        streamed = 0
        for _annotation in annotator.annotate_iter(
            tumor_type=args.tumor_type, alterations=read_vcf(vcf)
        ):
            streamed += 1
        runs.append((time.perf_counter() - started, time.process_time() - cpu))
    total_s, total_cpu = min(runs)

    n = args.variants
    print(f"alterations kept: {streamed:,} of {n:,} records; distinct: {unique:,}; {kinds}")
    print(f"  with therapies: {actionable:,}   on a hotspot: {hotspots:,}")
    print("                wall      rate (wall)          CPU      rate (CPU time)")
    rows = [
        ("parse only", parse_s, parse_cpu, n, "variants/s"),
        ("annotate only", annotate_s, annotate_cpu, streamed, "alterations/s"),
        (f"end to end{'*' if args.repeat > 1 else ''}", total_s, total_cpu, n, "variants/s"),
    ]
    for label, wall, used, count, unit in rows:
        print(
            f"{label:14s} {wall:6.2f} s {count / wall:>10,.0f} {unit:14s}"
            f"{used:6.2f} s {count / used:>10,.0f} {unit}"
        )
    if args.repeat > 1:
        print(f"* best of {args.repeat} runs: " + ", ".join(f"{w:.2f} s" for w, _c in runs))
    print("target: end to end >= 100,000 variants/s")
    if args.keep:
        print(f"kept {vcf}")
    else:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
