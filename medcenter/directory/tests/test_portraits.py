"""Clinician portraits: checked, re-encoded without camera metadata, described, served for a year
under an address that changes with the image; the initials when there is none."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from medcenter.directory import services
from medcenter.directory.admin import ClinicianAdminForm
from medcenter.directory.models import ClinicianPhoto
from medcenter.scheduling.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

ALT = "Dr Tamsin Orley, smiling, in a blue jacket"


def _jpeg(size=(1200, 900), *, with_place: bool = False) -> bytes:
    image = Image.new("RGB", size, (30, 90, 120))
    out = io.BytesIO()
    exif = Image.Exif()
    if with_place:
        exif[0x010F] = "Camera maker"  # Make
        exif[0x8825] = {1: "N", 2: (42.0, 21.0, 0.0)}  # GPS: where the photo was taken
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_portrait_is_resized_and_loses_its_camera_metadata():
    kept = services.check_portrait(name="me.jpg", content=_jpeg(with_place=True), alt_text=ALT)

    with Image.open(io.BytesIO(kept)) as image:
        assert max(image.size) == services.PORTRAIT_SIZE
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_portrait_needs_words_that_say_what_it_shows():
    with pytest.raises(ValidationError) as refused:
        services.check_portrait(name="me.jpg", content=_jpeg(), alt_text="   ")

    assert "alt_text" in refused.value.message_dict


@pytest.mark.parametrize(
    "name, content",
    [("cv.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), ("me.jpg", b"not an image")],
)
def test_what_is_not_a_jpeg_or_png_is_refused(name, content):
    with pytest.raises(ValidationError):
        services.check_portrait(name=name, content=content, alt_text=ALT)


def test_the_profile_shows_the_portrait_with_its_words_served_for_a_year(client):
    clinician = ClinicianFactory(given_name="Tamsin", family_name="Orley")
    image = services.check_portrait(name="me.png", content=_jpeg(), alt_text=ALT)
    photo = services.set_clinician_photo(clinician=clinician, image=image, alt_text=ALT)

    html = client.get(f"/en/doctors/{clinician.slug}/").content.decode()
    assert f'src="{photo.url}"' in html and f'alt="{ALT}"' in html
    served = client.get(photo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert "immutable" in served["Cache-Control"] and "max-age=31536000" in served["Cache-Control"]
    assert served.content == image


def test_a_replaced_portrait_gets_a_new_address_and_the_old_one_is_gone(client):
    clinician = ClinicianFactory()
    first = services.set_clinician_photo(
        clinician=clinician,
        image=services.check_portrait(name="a.jpg", content=_jpeg((400, 400)), alt_text=ALT),
        alt_text=ALT,
    )
    old_url = first.url
    second = services.set_clinician_photo(
        clinician=clinician,
        image=services.check_portrait(name="b.jpg", content=_jpeg((500, 300)), alt_text=ALT),
        alt_text=ALT,
    )

    assert second.url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(second.url).status_code == 200
    assert ClinicianPhoto.objects.count() == 1


def test_without_a_portrait_the_profile_shows_the_initials(client):
    clinician = ClinicianFactory(given_name="Ines", family_name="Marrow")

    html = client.get(f"/en/doctors/{clinician.slug}/").content.decode()
    assert '<span class="avatar avatar--large" aria-hidden="true">IM</span>' in html
    assert (
        client.get(f"/en/doctors/{clinician.slug}/portrait/0123456789abcdef.jpg").status_code == 404
    )


def test_the_admin_form_keeps_the_other_fields_when_the_portrait_is_refused():
    clinician = ClinicianFactory()
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = ClinicianAdminForm(
        data={"portrait_alt_text": ""},
        files={"portrait_upload": SimpleUploadedFile("me.jpg", _jpeg(), "image/jpeg")},
        instance=clinician,
    )

    assert not form.is_valid()
    assert "portrait_alt_text" in form.errors
