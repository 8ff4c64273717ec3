import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medcenter.accounts.models import User
from medcenter.core.forms import KeepsUploadsForm
from medcenter.messaging.models import Pool
from medcenter.messaging.services import BODY_MAX, MAX_ATTACHMENTS, SUBJECT_MAX
from medcenter.scheduling.forms import MultipleFileField


class PoolChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        days = obj.reply_business_days
        target = ngettext(
            "replies within %(days)d business day",
            "replies within %(days)d business days",
            days,
        ) % {"days": days}
        return f"{obj.label} ({target})"


class _MessageFields(KeepsUploadsForm):
    upload_purpose = "messaging.message"

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BODY_MAX,
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files: PDF, JPEG, PNG, TIFF or plain text, 20 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_attachments(self) -> Any:
        files = self.cleaned_data.get("attachments") or []
        if len(files) + self.kept_count("attachments") > MAX_ATTACHMENTS:
            raise ValidationError(_("Please attach at most 5 files to one message."))
        self.check_files("attachments", files)
        return files


class NewThreadForm(_MessageFields):
    pool = PoolChoiceField(
        label=_("Who should answer"), queryset=Pool.objects.none(), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)

    field_order = ["pool", "subject", "body", "attachments"]

    def __init__(self, *args: Any, pools: list[Pool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool_field = self.fields["pool"]
        assert isinstance(pool_field, PoolChoiceField)  # noqa: S101 - narrowing for mypy
        pool_field.queryset = Pool.objects.filter(pk__in=[p.pk for p in pools]).select_related(
            "program"
        )


class ReplyForm(_MessageFields):
    pass


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=BODY_MAX
    )
    internal = forms.BooleanField(
        label=_("Internal note (the patient does not see it)"), required=False
    )


class TeamField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class ReassignForm(forms.Form):
    pool = TeamField(label=_("Team"), queryset=Pool.objects.none())
    assignee = PersonField(
        label=_("Person (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone in the team"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool_field = self.fields["pool"]
        assert isinstance(pool_field, TeamField)  # noqa: S101 - narrowing for mypy
        pool_field.queryset = Pool.objects.filter(is_active=True).select_related("program")
        person_field = self.fields["assignee"]
        assert isinstance(person_field, PersonField)  # noqa: S101 - narrowing for mypy
        people = User.objects.filter(is_active=True, is_staff=True, message_pools__is_active=True)
        person_field.queryset = people.distinct().order_by("full_name", "id")
