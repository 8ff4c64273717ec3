"""An unreadable results file is refused with a message the uploader can act on."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.oncology import services
from medcenter.oncology.models import GenotypingReport
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"##fileformat=VCFv4.2\n#CHROM\tPOS\n1\tabc\n", "not a readable VCF header"),
        (b"##fileformat=VCFv4.2\ngarbage", "not a readable VCF header"),
        ("gene,protein_change\n\xe9\xff".encode("latin-1"), "not UTF-8 text"),
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError) as refused:
        services.import_genotyping_file(
            patient=PatientFactory(),
            actor=StaffUserFactory(),
            content=content,
            test_name="Panel",
            tumor_type="LUAD",
            reported_on=datetime.date(2026, 1, 1),
        )

    assert any(message in text for text in refused.value.message_dict["results"])
    assert not GenotypingReport.objects.exists()
