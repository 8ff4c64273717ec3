"""Background work that belongs to no domain. Task functions are thin wrappers."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: str) -> None:
    """Send one plain-text email (verification links, codes): never patient details."""
    send_mail(subject, body, None, [to])
