"""The inquirer's own words, in their language, route the case to a program."""

import pytest

from medcenter.directory.tests.conftest import demo_directory, demo_directory_once  # noqa: F401
from medcenter.international import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_directory")]


@pytest.mark.parametrize(
    ("words", "program"),
    [
        ("sarcoma en la pierna", "bone-sarcoma"),
        ("osteosarcoma in my son's knee", "bone-sarcoma"),
        ("câncer de mama", "breast"),
        ("рак лёгкого", "thoracic"),
        ("leucemia mieloide aguda", "leukemia"),
        ("سرطان الثدي", "breast"),
    ],
)
def test_lay_words_in_six_languages_find_the_program(words, program):
    _condition, found = services.match_condition(words)
    assert found is not None and found.slug.startswith(program), (words, found)


def test_words_that_name_no_condition_leave_the_program_to_the_coordinator():
    assert services.match_condition("necesito ayuda por favor") == (None, None)
