"""Scheduling's outbox becomes core's (core.Notification): rows not yet final are carried over
with their claim, attempts and dedupe key, so nothing queued is lost or sent twice."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("scheduling", "Notification")
    New = apps.get_model("core", "Notification")
    rows = []
    for old in Old.objects.select_related("appointment", "referral", "offer").iterator():
        context = {}
        reference = ""
        if old.offer_id:
            context["offer"] = str(old.offer.public_id)
        if old.appointment_id:
            reference = f"appointment:{old.appointment.public_id}"
            if not old.offer_id:
                context["appointment"] = str(old.appointment.public_id)
        if old.referral_id:
            context["referral"] = str(old.referral.public_id)
            reference = reference or f"referral:{old.referral.public_id}"
        rows.append(
            New(
                public_id=old.public_id,
                created_at=old.created_at,
                updated_at=old.updated_at,
                kind=f"scheduling.{old.kind}",
                category="referrals" if old.referral_id else "appointments",
                channel=old.channel,
                to=old.to,
                language=old.language,
                context=context,
                reference=reference,
                dedupe_key=old.dedupe_key,
                due_at=old.due_at,
                status=old.status,
                attempts=old.attempts,
                claimed_at=old.claimed_at,
                claim_token=old.claim_token,
                sent_at=old.sent_at,
                last_error=old.last_error,
            )
        )
    New.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox"),
        ("scheduling", "0002_no_overlaps"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
