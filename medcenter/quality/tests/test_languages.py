"""A measure's words in the six languages: the catalogue carries them all, every surface shows
the visitor's language, and an untranslated text falls back to English marked lang="en"."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from fhir.resources.R4B.measure import Measure as FhirMeasure

from medcenter.quality import services
from medcenter.quality.catalogue import SPECS
from medcenter.quality.models import Measure, MeasureVersion
from medcenter.quality.services import TEXT_FIELDS
from medcenter.quality.tests.factories import analyst, catalogue, enter

pytestmark = pytest.mark.django_db

SEPTEMBER = date(2026, 9, 1)
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.fixture(autouse=True)
def _catalogue():
    catalogue()


def test_every_built_in_measure_has_its_name_definition_and_explanation_in_six_languages():
    for spec in SPECS:
        translations = spec.translations()
        assert set(translations) == set(OTHER_LANGUAGES), spec.code
        for language in OTHER_LANGUAGES:
            texts = translations[language]
            assert set(texts) == set(TEXT_FIELDS), (spec.code, language)
            for field in TEXT_FIELDS:
                assert texts[field].strip(), (spec.code, language, field)
                assert texts[field] != getattr(spec, field), (spec.code, language, field)


def test_the_public_page_shows_each_language_with_nothing_marked_english():
    for language in OTHER_LANGUAGES:
        html = Client().get(f"/{language}/quality/").content.decode()
        version = MeasureVersion.objects.get(measure__code="no-shows")
        for field in TEXT_FIELDS:
            assert version.translations[language][field] in html, (language, field)
        assert '<h3 id="m-no-shows">' in html
        assert '<h3 id="m-no-shows" lang="en">' not in html


def test_an_untranslated_text_falls_back_to_english_marked_lang_en():
    measure = Measure.objects.get(code="no-shows")
    services.revise_measure(
        measure=measure,
        actor=analyst(),
        explanation="A plain explanation nobody has translated yet.",
        translations={"es": {"name": "Citas perdidas"}},
    )

    html = Client().get("/es/quality/").content.decode()

    assert '<h3 id="m-no-shows">Citas perdidas</h3>' in html
    assert '<p lang="en">A plain explanation nobody has translated yet.</p>' in html
    assert (
        Client().get("/ru/quality/").content.decode().count('<h3 id="m-no-shows" lang="en">') == 1
    )


def test_a_chart_titled_with_an_untranslated_name_marks_it_english():
    for month, observed in ((date(2026, 8, 1), 2), (SEPTEMBER, 3)):
        enter("clabsi-sir", month, observed, 4.0)
        services.take_snapshots(months=[month])
        services.publish_month(month=month, actor=analyst())
    services.revise_measure(
        measure=Measure.objects.get(code="clabsi-sir"),
        actor=analyst(),
        translations={"es": {"name": "Infecciones asociadas a vía central (SIR)"}},
    )

    spanish = Client().get("/es/quality/").content.decode()
    russian = Client().get("/ru/quality/").content.decode()

    assert '<title id="chart-clabsi-sir-title">Infecciones asociadas' in spanish
    assert '<title id="chart-clabsi-sir-title" lang="en">Central line' in russian


def test_the_api_says_which_language_each_text_is_in():
    measure = Measure.objects.get(code="no-shows")
    services.revise_measure(
        measure=measure, actor=analyst(), translations={"ru": {"name": "Пропущенные приёмы"}}
    )

    body = Client().get("/api/v1/quality/measures", HTTP_ACCEPT_LANGUAGE="ru").json()
    codes = {m["code"]: m for m in body["measures"]}

    assert codes["no-shows"]["name"] == "Пропущенные приёмы"
    assert codes["no-shows"]["languages"] == {
        "name": "ru",
        "definition": "en",
        "explanation": "en",
    }
    assert codes["clabsi-sir"]["languages"]["definition"] == "ru"
    assert codes["clabsi-sir"]["explanation"].startswith("Значение ниже 1,0")


def test_fhir_measures_carry_the_translations_as_extensions():
    enter("hcahps-top-box", SEPTEMBER, 150, 200)

    found = Client().get("/fhir/R4/Measure?identifier=hcahps-top-box").json()
    body = found["entry"][0]["resource"]

    FhirMeasure.model_validate(body)
    languages = {
        each["extension"][0]["valueCode"]: each["extension"][1]["valueString"]
        for each in body["_title"]["extension"]
    }
    assert set(languages) == {"es", "pt-BR", "zh-Hans", "ar", "ru"}
    assert languages["pt-BR"] == "Pacientes que com certeza nos recomendariam"
    assert len(body["_description"]["extension"]) == 5
    assert len(body["_purpose"]["extension"]) == 5


def test_installing_again_gives_a_catalogue_worded_measure_the_new_wording_as_a_version():
    measure = Measure.objects.get(code="cdiff-sir")
    MeasureVersion.objects.filter(measure=measure).update(translations={})

    services.install_catalogue()
    services.install_catalogue()

    versions = list(measure.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].translations == {}
    assert versions[1].translations["ar"]["name"] == "عدوى المطثية العسيرة (SIR)"


def test_installing_again_keeps_an_analysts_revision():
    measure = Measure.objects.get(code="cdiff-sir")
    services.revise_measure(measure=measure, actor=analyst(), name="Our own wording")

    services.install_catalogue()

    assert measure.versions.order_by("-number").first().name == "Our own wording"
    assert measure.versions.count() == 2
