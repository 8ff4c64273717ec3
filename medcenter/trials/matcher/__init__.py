"""The trial matcher: pure Python over plain data, no database."""
