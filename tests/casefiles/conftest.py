"""Case-file fixtures live in tests/conftest.py (`review`), shared with the regression tests of issue 16."""
