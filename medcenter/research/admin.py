from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from medcenter.research import services
from medcenter.research.models import Authorship, AuthorshipStatus, Lab, Publication


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin[Lab]):
    list_display = ["name", "slug", "program"]
    prepopulated_fields = {"slug": ("name",)}


class AuthorshipInline(admin.TabularInline[Authorship, Publication]):
    model = Authorship
    extra = 0
    autocomplete_fields = ["clinician"]
    readonly_fields = ["decided_by", "decided_at"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    list_display = ["title", "journal", "year", "pmid", "doi", "source"]
    search_fields = ["title", "pmid", "doi", "journal"]
    list_filter = ["source", "year", "programs"]
    filter_horizontal = ["programs", "labs"]
    inlines = [AuthorshipInline]


def _decide(request: HttpRequest, queryset: QuerySet[Authorship], *, confirm: bool) -> int:
    done = 0
    for authorship in queryset.filter(status=AuthorshipStatus.SUGGESTED):
        services.decide_authorship(authorship=authorship, confirm=confirm, actor=request.user)
        done += 1
    return done


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin[Authorship]):
    list_display = ["author_name", "clinician", "publication", "status", "decided_by"]
    list_filter = ["status"]
    search_fields = ["author_name", "clinician__family_name", "publication__title"]
    actions = ["confirm", "reject"]
    readonly_fields = ["decided_by", "decided_at"]

    @admin.action(description="Confirm the selected suggestions", permissions=["confirm"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[Authorship]) -> None:
        done = _decide(request, queryset, confirm=True)
        self.message_user(request, f"{done} confirmed.", messages.SUCCESS)

    @admin.action(description="Reject the selected suggestions", permissions=["confirm"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Authorship]) -> None:
        done = _decide(request, queryset, confirm=False)
        self.message_user(request, f"{done} rejected.", messages.SUCCESS)

    def has_confirm_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("research.confirm_authorship"))
