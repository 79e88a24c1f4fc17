"""The use cases of workshop/services/ on a real session: SQLite, and PostgreSQL when
TEST_DATABASE_URL is set; one test module per service module.

Rows are made with the conftest factories first; only then does a test touch `session`,
because on SQLite an open transaction holds the write lock the factories would wait for.
"""
