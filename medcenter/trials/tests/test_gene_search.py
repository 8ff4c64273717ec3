"""Search by gene finds only trials that require an alteration in that gene: never one that
requires the gene wild-type, excludes its alterations, or is about another gene. Checked on
the real ClinicalTrials.gov records beside the checkout and on the demo catalogue."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.trials import selectors, services
from medcenter.trials.demo import STUDIES
from medcenter.trials.genefilter import genes_named, required_genes
from medcenter.trials.importer import import_paths, import_records
from medcenter.trials.models import Criterion, RequiredGene, Trial

CTGOV = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "ctgov"


def _demo():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


def _ctgov():
    if not CTGOV.exists():
        pytest.skip(f"{CTGOV} is not here (it lives beside the checkout)")
    report = import_paths(sorted(CTGOV.rglob("*.json")))
    assert not report.problems


def _found(gene, **filters):
    query = selectors.SearchQuery(gene=gene, status="all", **filters)
    return {t.nct_id for t in selectors.search_trials(query)}


# --- What a visitor types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "genes"),
    [
        ("EGFR", ("EGFR",)),
        ("egfr", ("EGFR",)),
        ("EGFR-mutant", ("EGFR",)),
        ("EGFRm", ("EGFR",)),
        ("exon 19 deletion", ("EGFR",)),
        ("ex19del", ("EGFR",)),
        ("L858R", ("EGFR",)),
        ("ALK-positive", ("ALK",)),
        ("ALK rearranged", ("ALK",)),
        ("ALK+", ("ALK",)),
        ("HER2", ("ERBB2",)),
        ("her2", ("ERBB2",)),
        ("ERBB2", ("ERBB2",)),
        ("HER2/neu", ("ERBB2",)),
        ("HER2-positive", ("ERBB2",)),
        ("KRAS G12C", ("KRAS",)),
        ("BRAF V600E", ("BRAF",)),
        ("V600E", ("BRAF",)),
        ("BRCA1/2", ("BRCA1", "BRCA2")),
        ("NTRK fusion", ("NTRK1", "NTRK2", "NTRK3")),
        ("MET exon 14 skipping", ("MET",)),
        ("PD-L1", ("CD274",)),
        ("lung", ()),
        ("fusion", ()),
        ("xyz", ()),
    ],
)
def test_a_gene_is_read_from_what_people_type(typed, genes):
    assert genes_named(typed) == genes


# --- What a trial requires --------------------------------------------------------------------


def bio(section, gene, classes, present=True):
    return {"section": section, "kind": "biomarker", "gene": gene, "classes": classes,
            "present": present}  # fmt: skip


def test_an_inclusion_requires_the_gene_and_a_wild_type_one_does_not():
    assert required_genes([bio("inclusion", "EGFR", ["L858R"])]) == {"EGFR": ["L858R"]}
    assert required_genes([bio("inclusion", "EGFR", ["mutation"], present=False)]) == {}


def test_an_exclusion_of_the_genes_alterations_rules_it_out():
    criteria = [
        bio("inclusion", "KRAS", ["G12C"]),
        bio("exclusion", "EGFR", ["mutation"]),
        bio("exclusion", "ALK", ["fusion"]),
    ]
    assert required_genes(criteria) == {"KRAS": ["G12C"]}
    # Required and then excluded as a whole: not a trial for that gene.
    both = [bio("inclusion", "EGFR", ["L858R"]), bio("exclusion", "EGFR", ["mutation"])]
    assert required_genes(both) == {}
    # Excluding exactly what was asked for leaves nothing either.
    same = [bio("inclusion", "ALK", ["fusion"]), bio("exclusion", "ALK", ["fusion"])]
    assert required_genes(same) == {}


def test_a_narrower_exclusion_keeps_the_gene_required():
    criteria = [
        bio("inclusion", "EGFR", ["exon 19 deletion", "L858R"]),
        bio("exclusion", "EGFR", ["T790M"]),
    ]
    assert required_genes(criteria) == {"EGFR": ["L858R", "exon 19 deletion"]}


def test_an_exclusion_of_absence_is_a_requirement():
    criteria = [bio("exclusion", "EGFR", ["oncogenic mutation"], present=False)]
    assert required_genes(criteria) == {"EGFR": ["oncogenic mutation"]}


def test_read_alternatives_let_each_gene_in_and_the_teams_requirements_count():
    either = {
        "section": "inclusion",
        "kind": "text",
        "alternatives": [
            bio("inclusion", "EGFR", ["mutation"]),
            bio("inclusion", "ALK", ["fusion"]),
        ],
    }
    assert set(required_genes([either])) == {"EGFR", "ALK"}
    team = [{"gene": "ROS1", "classes": ["fusion"], "present": True}]
    assert required_genes([], team) == {"ROS1": ["fusion"]}
    assert required_genes([], [{"gene": "ROS1", "classes": ["fusion"], "present": False}]) == {}


# --- On the real records ----------------------------------------------------------------------


def _rules_out(trial, gene):
    """The trial's stored criteria (and team requirements) require the gene wild-type or
    exclude its alterations as a whole."""
    for c in Criterion.objects.filter(trial=trial, is_active=True):
        params = [c.params] + [
            a for a in c.params.get("alternatives") or [] if c.section == "exclusion"
        ]
        for p in params:
            if c.kind not in ("biomarker", "text") or p.get("gene") != gene:
                continue
            present = p.get("present", True)
            if (c.section == "inclusion" and not present) or (
                c.section == "exclusion"
                and present
                and {"mutation", "oncogenic mutation"} & set(p.get("classes") or [])
            ):
                return True
    return False


def _requires(trial, gene):
    """The trial's stored criteria name an alteration of the gene as an inclusion."""
    for c in Criterion.objects.filter(trial=trial, is_active=True, section="inclusion"):
        options = [c.params, *(c.params.get("alternatives") or [])]
        if any(p.get("gene") == gene and p.get("present", True) for p in options):
            return True
    return any(
        r.get("gene") == gene and r.get("present", True) for r in trial.biomarker_requirements
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "gene", "wanted", "unwanted"),
    [
        # NCT06382129 requires EGFR wild-type and excludes L858R, exon 19 deletion and T790M;
        # the demo's KRAS G12C trial excludes EGFR mutation and ALK rearrangement.
        ("EGFR", "EGFR", {"NCT06604689", "NCT99001001"}, {"NCT06382129", "NCT99001002"}),
        ("EGFRm", "EGFR", {"NCT06604689", "NCT99001001"}, {"NCT06382129", "NCT99001002"}),
        ("exon 19 deletion", "EGFR", {"NCT06604689"}, {"NCT06382129", "NCT99001002"}),
        # PALLAS (NCT02513394) is HER2-negative breast cancer; NCT03377387 requires HER2.
        ("HER2", "ERBB2", {"NCT03377387", "NCT99003001"}, {"NCT02513394"}),
        ("erbb2", "ERBB2", {"NCT03377387", "NCT99003001"}, {"NCT02513394"}),
        ("ALK rearranged", "ALK", {"NCT99001003"}, {"NCT99001002", "NCT06604689"}),
        ("KRAS G12C", "KRAS", {"NCT99001002"}, {"NCT99001001", "NCT06382129"}),
        ("BRAF", "BRAF", {"NCT99005001"}, {"NCT99001001", "NCT02576665"}),
    ],
)
def test_search_by_gene_on_the_real_records(typed, gene, wanted, unwanted):
    _ctgov()
    _demo()
    found = _found(typed)
    assert wanted <= found
    assert not unwanted & found
    for trial in Trial.objects.all():
        if trial.nct_id in found:
            assert _requires(trial, gene), trial.nct_id
            assert not _rules_out(trial, gene), trial.nct_id
        elif _requires(trial, gene):
            # Only a trial that also rules the gene out may be left out.
            assert _rules_out(trial, gene), trial.nct_id


@pytest.mark.django_db
def test_lung_cancer_with_egfr_lists_only_the_egfr_mutant_trials(client):
    _ctgov()
    _demo()
    found = _found("EGFR", condition="lung cancer")
    assert found == {"NCT99001001", "NCT06604689"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_page_says_the_trials_require_the_gene(client, language):
    _demo()
    page = client.get(f"/{language}/trials/", {"condition": "lung cancer", "gene": "EGFR-mutant"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trials that require an alteration in EGFR" in text or language != "en"
    assert 'class="search-gene"' in text
    assert "NCT99001001" in text
    assert "NCT99001002" not in text  # KRAS G12C, excludes EGFR-mutant patients
    assert 'lang="en">EGFR L858R / exon 19 deletion</bdi>' in text


@pytest.mark.django_db
def test_her2_is_shown_as_people_know_it(client):
    _demo()
    text = client.get("/en/trials/", {"gene": "her2+"}).content.decode()
    assert "Trials that require an alteration in HER2 (ERBB2)" in text
    assert "NCT99003001" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("xyz", "We do not know that gene."),
        ("EGFR wild-type", "This finds trials that require a change in a gene."),
        ("HER2-", "This finds trials that require a change in a gene."),
    ],
)
def test_an_unknown_or_wild_type_gene_is_a_clear_400_with_the_form_kept(client, typed, message):
    _demo()
    page = client.get("/en/trials/", {"gene": typed})
    assert page.status_code == 400
    text = page.content.decode()
    assert message in text
    assert "Genes our open trials look for:" in text or "wild" in typed or "-" in typed
    assert "NCT99" not in text


@pytest.mark.django_db
def test_a_corrected_criterion_changes_what_the_gene_search_finds():
    _demo()
    assert "NCT99001001" in _found("EGFR")
    criterion = Criterion.objects.get(
        trial__nct_id="NCT99001001", kind="biomarker", params__gene="EGFR"
    )
    services.correct_criterion(
        criterion=criterion,
        section=criterion.section,
        kind=criterion.kind,
        params=criterion.params,
        is_active=False,
        actor=None,
    )
    assert "NCT99001001" not in _found("EGFR")


@pytest.mark.django_db
def test_the_data_migration_fills_what_the_import_stores():
    _demo()
    stored = set(RequiredGene.objects.values_list("trial__nct_id", "gene"))
    assert ("NCT99001002", "KRAS") in stored and ("NCT99001002", "EGFR") not in stored
    RequiredGene.objects.all().delete()
    migration = importlib.import_module("medcenter.trials.migrations.0004_fill_required_genes")
    migration.fill(apps, None)
    assert set(RequiredGene.objects.values_list("trial__nct_id", "gene")) == stored


@pytest.mark.django_db
def test_a_gene_search_costs_the_same_queries_for_any_catalogue(client):
    import_records((f"demo:{i}", study) for i, (study, *_r) in enumerate(STUDIES[:2]))

    def grow():
        import_records((f"demo:{i}", study) for i, (study, *_r) in enumerate(STUDIES[2:]))
        for trial in Trial.objects.filter(nct_id__in=["NCT99004001", "NCT99002004"]):
            trial.biomarker_requirements = [{"gene": "EGFR", "classes": ["mutation"]}]
            trial.save()
            services.refresh_required_genes(trial=trial)

    before, after = assert_flat_queries(lambda: client.get("/en/trials/", {"gene": "EGFR"}), grow)
    assert "NCT99004001" not in before.content.decode()
    text = after.content.decode()
    assert all(n in text for n in ("NCT99001001", "NCT99004001", "NCT99002004"))
