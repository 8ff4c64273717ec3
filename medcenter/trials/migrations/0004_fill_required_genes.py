"""Fill RequiredGene for the trials already in the catalogue, from their stored criteria."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from medcenter.trials.genefilter import required_genes

    Trial = apps.get_model("trials", "Trial")
    Criterion = apps.get_model("trials", "Criterion")
    RequiredGene = apps.get_model("trials", "RequiredGene")
    criteria: dict[int, list[dict[str, Any]]] = {}
    for trial_id, section, kind, params in (
        Criterion.objects.filter(is_active=True, kind__in=("biomarker", "text"))
        .order_by("trial_id", "position")
        .values_list("trial_id", "section", "kind", "params")
    ):
        criteria.setdefault(trial_id, []).append({**params, "section": section, "kind": kind})
    rows: list[Any] = []
    for trial_id, requirements in Trial.objects.values_list("pk", "biomarker_requirements"):
        required = required_genes(criteria.get(trial_id, []), requirements or [])
        rows.extend(
            RequiredGene(trial_id=trial_id, gene=gene, classes=classes)
            for gene, classes in required.items()
        )
    RequiredGene.objects.bulk_create(rows, batch_size=1000)


def empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("trials", "RequiredGene").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("trials", "0003_required_gene")]

    operations = [migrations.RunPython(fill, empty)]
