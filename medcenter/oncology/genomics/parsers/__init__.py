"""Read tumor test results: VCF (through cyvcf2), MAF, or a plain gene/change table.

Each reader yields Alterations. A bad line raises GenomicsParseError naming its line number and
field; pass `errors=[]` to collect those errors and go on with the next line instead.
"""

from medcenter.oncology.genomics.parsers.common import GenomicsParseError, Source
from medcenter.oncology.genomics.parsers.tables import (
    MAF_INCLUDED,
    MAF_PASSED_OVER,
    TABLE_COLUMNS,
    read_maf,
    read_table,
)
from medcenter.oncology.genomics.parsers.vcf import read_vcf

__all__ = [
    "MAF_INCLUDED",
    "MAF_PASSED_OVER",
    "TABLE_COLUMNS",
    "GenomicsParseError",
    "Source",
    "read_maf",
    "read_table",
    "read_vcf",
]
