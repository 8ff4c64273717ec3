"""Install the project's own check-in and new-patient history (builtin.py), so every
installation has them; `load_questionnaire` refreshes them or loads others."""

from django.db import migrations


def install(apps, schema_editor):
    from medcenter.questionnaires import builtin

    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    for resource, kind, code, title in (
        (builtin.checkin(), "symptom_checkin", "weeklysymptomcheckin", "Weekly symptom check-in"),
        (builtin.intake(), "intake", "newpatienthistory", "New-patient health history"),
    ):
        Questionnaire.objects.get_or_create(
            url=resource["url"],
            version=resource["version"],
            defaults={
                "code": code,
                "title": title,
                "kind": kind,
                "status": "active",
                "resource": resource,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
