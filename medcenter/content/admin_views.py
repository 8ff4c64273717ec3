"""Story consents in the editors' admin (Wagtail, `/cms/story-consents/`): record a
storyteller's consent with the signed form, read the form back, withdraw a consent.

Registered with Wagtail's `register_admin_urls` hook (wagtail_hooks.py), so the admin's gate
(cms.py: staff, verified second factor) stands in front of every one of them, and each declares
its permission (`staff_route`), checked before Wagtail's own admin-access check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from medcenter.content import selectors, services
from medcenter.content.forms import StoryConsentForm
from medcenter.core.clientaddr import client_ip
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.routes import staff_route
from medcenter.core.uploads import download_response

VIEW = "content.view_storyconsent"
RECORD = "content.add_storyconsent"
WITHDRAW = "content.change_storyconsent"


@staff_route(VIEW)
@require_safe
def consents(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "content/admin/consents.html",
        {
            "consents": selectors.story_consents(),
            "may_record": request.user.has_perm(RECORD),
            "may_withdraw": request.user.has_perm(WITHDRAW),
        },
    )


@staff_route(RECORD)
@require_http_methods(["GET", "HEAD", "POST"])
def record_consent(request: AuthedRequest) -> HttpResponse:
    form = StoryConsentForm(
        request.POST or None,
        request.FILES or None,
        session=request.session,
        client_ip=client_ip(request),
    )
    if request.method == "POST" and form.is_valid():
        (upload,) = form.uploads("signed_form")
        try:
            services.record_story_consent(
                storyteller=form.cleaned_data["storyteller"],
                given_on=form.cleaned_data["given_on"],
                scope=form.cleaned_data["scope"],
                storyteller_is_minor=form.cleaned_data["storyteller_is_minor"],
                guardian=form.cleaned_data["guardian"],
                form_name=upload.filename,
                form_content=upload.content,
                recorded_by=request.user,
                kept=form.kept_uploads(),
            )
        except ValidationError as error:
            apply_errors(form, _as_fields(error))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("content_story_consents")
    return render(
        request,
        "content/admin/record_consent.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@staff_route(WITHDRAW)
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_consent(request: AuthedRequest, consent_id: str) -> HttpResponse:
    """GET asks; POST withdraws and takes down every story the consent covers."""
    consent = selectors.get_story_consent(consent_id=consent_id)
    if request.method == "POST":
        services.withdraw_story_consent(consent=consent, withdrawn_by=request.user)
        messages.success(
            request, _("The consent was withdrawn; the stories it covered are unpublished.")
        )
        return redirect("content_story_consents")
    return render(request, "content/admin/withdraw_consent.html", {"consent": consent})


@staff_route(VIEW)
@require_safe
def consent_form(request: AuthedRequest, consent_id: str) -> HttpResponse:
    consent, content = selectors.read_consent_form(consent_id=consent_id, reader=request.user)
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(consent.form_content_type, "jpg")
    return download_response(
        content=content,
        content_type=consent.form_content_type,
        filename=f"story-consent-{consent.public_id}.{extension}",
    )


def _as_fields(error: ValidationError) -> ValidationError:
    """The service names the file `form`; the admin form's field is `signed_form`."""
    if hasattr(error, "error_dict") and "form" in error.error_dict:
        fields = dict(error.error_dict)
        fields["signed_form"] = fields.pop("form")
        return ValidationError(fields)
    return error
