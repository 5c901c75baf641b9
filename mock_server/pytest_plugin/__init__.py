"""The pytest plugin (entry point `pytest11`): a sandbox per test session, clean per test."""
