"""Words and codes people and files use for residues, genes, changes and alteration kinds."""

THREE_LETTER = {
    "A": "Ala",
    "R": "Arg",
    "N": "Asn",
    "D": "Asp",
    "C": "Cys",
    "Q": "Gln",
    "E": "Glu",
    "G": "Gly",
    "H": "His",
    "I": "Ile",
    "L": "Leu",
    "K": "Lys",
    "M": "Met",
    "F": "Phe",
    "P": "Pro",
    "S": "Ser",
    "T": "Thr",
    "W": "Trp",
    "Y": "Tyr",
    "V": "Val",
    "U": "Sec",
    "O": "Pyl",
    "*": "Ter",
    "X": "Xaa",
}
ONE_LETTER = {three: one for one, three in THREE_LETTER.items()}
RESIDUES = frozenset("ACDEFGHIKLMNPQRSTVWYUO")


# Names clinicians and reports use for a gene, mapped to the HGNC symbol the knowledge base uses.
GENE_ALIASES = {
    "HER2": "ERBB2",
    "HER-2": "ERBB2",
    "HER2/NEU": "ERBB2",
    "NEU": "ERBB2",
    "HER1": "EGFR",
    "ERBB1": "EGFR",
    "HER3": "ERBB3",
    "HER4": "ERBB4",
    "C-MET": "MET",
    "CMET": "MET",
    "HGFR": "MET",
    "C-KIT": "KIT",
    "CD117": "KIT",
    "TRKA": "NTRK1",
    "TRKB": "NTRK2",
    "TRKC": "NTRK3",
    "INI1": "SMARCB1",
    "INI-1": "SMARCB1",
    "BAF47": "SMARCB1",
    "SNF5": "SMARCB1",
    "PD-L1": "CD274",
    "PDL1": "CD274",
    "MLL": "KMT2A",
    "P53": "TP53",
    "P16": "CDKN2A",
    "C-ROS1": "ROS1",
    "ROS": "ROS1",
    "C-RET": "RET",
}

# Words for whole classes of change, by the ChangeType value they stand for. Spaces and
# underscores are read as hyphens.
CHANGE_WORDS = {
    "amplification": "amplification amplifications amplified amp gain copy-number-gain "
    "copy-number-gains",
    "fusion": "fusion fusions rearrangement rearrangements rearranged translocation",
    "loss": "loss deletion homozygous-deletion deep-deletion deleted loss-of-function "
    "loss-of-expression biallelic-loss inactivation",
    "overexpression": "overexpression over-expression expression high-expression ihc-3+",
    "any_mutation": "mutation mutations any-mutation mutant mutated",
    "oncogenic_mutation": "oncogenic-mutation oncogenic-mutations activating-mutation "
    "activating-mutations",
    "truncating_mutation": "truncating-mutation truncating-mutations inactivating-mutation "
    "inactivating-mutations truncating",
}
# How each class of change is named once normalized.
CHANGE_NAMES = {
    "amplification": "amplification",
    "fusion": "fusion",
    "loss": "loss",
    "overexpression": "overexpression",
    "any_mutation": "mutation",
    "oncogenic_mutation": "oncogenic mutation",
    "truncating_mutation": "truncating mutation",
}
# Words files use for an alteration kind, by the AlterationKind value they stand for.
KIND_WORDS = {
    "snv": "snv snp mnv dnp tnp onp mutation substitution missense nonsense point",
    "indel": "indel ins insertion frameshift inframe in-frame",
    "splice": "splice splicing splice-site",
    "fusion": "fusion rearrangement translocation sv bnd",
    "amplification": "amplification amp gain cnv-gain copy-number-gain",
    "loss": "loss homdel homozygous-deletion deep-deletion cnv-loss copy-number-loss",
    "expression": "expression overexpression ihc protein-expression",
}
