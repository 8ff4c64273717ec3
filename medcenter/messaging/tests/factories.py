import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, add_authenticator
from medcenter.directory.models import Program
from medcenter.messaging.models import Pool, PoolKind
from medcenter.scheduling.models import Referral


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pool

    slug = factory.Sequence(lambda n: f"pool-{n}")
    kind = PoolKind.NURSE_LINE
    program = factory.SubFactory(ProgramFactory)
    reply_business_days = 2


def put_in_program(patient, program):
    """Make `program` one of the patient's care relationships (a routed referral)."""
    return Referral.objects.create(
        source="patient",
        patient=patient,
        program=program,
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth,
        diagnosis="Follow-up",
        contact_due_at=timezone.now(),
    )


def pool_worker(pool=None, *, manage=False, **kwargs):
    """A staff member with a second factor who works `pool`'s inbox."""
    user = StaffUserFactory(**kwargs)
    codes = ["work_inbox", "view_patient"] + (["manage_inbox"] if manage else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codes))
    add_authenticator(user)
    if pool is not None:
        pool.members.add(user)
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def verified(user):
    """The user as a request would see them after their second factor (is_verified)."""
    user.is_verified = lambda: True
    return user
