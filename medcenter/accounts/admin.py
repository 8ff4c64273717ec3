from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.accounts.forms import StaffUserCreationForm
from medcenter.accounts.models import User
from medcenter.accounts.roles import CLINICAL_ROLES


class StaffUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """The admin's user form keeps administrator accounts apart from clinical ones."""

    class Meta:
        model = User
        fields = "__all__"

    def clean_groups(self) -> Any:
        groups = self.cleaned_data.get("groups")
        names = {g.name for g in groups} if groups is not None else set()
        if "administrator" in names and names & CLINICAL_ROLES:
            raise ValidationError(
                _("Administrator accounts must be separate from clinical accounts.")
            )
        return groups


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    add_form = StaffUserCreationForm
    form = StaffUserChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("public_id", "date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Person"), {"fields": ("full_name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
