from medcenter.core.management.commands.openapi_snapshot import SNAPSHOT, current_schema


def test_the_api_matches_its_committed_openapi_snapshot():
    """An API change must be deliberate: run `manage.py openapi_snapshot` and commit the diff."""
    assert SNAPSHOT.read_text(encoding="utf-8") == current_schema()
