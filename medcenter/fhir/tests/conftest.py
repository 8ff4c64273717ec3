from medcenter.directory.tests.conftest import demo_directory, demo_directory_once  # noqa: F401
