"""Attacks reproduced against a local instance (issue 11), each kept as a test named for it."""
