from medcenter.directory.tests.conftest import demo_directory  # noqa: F401
