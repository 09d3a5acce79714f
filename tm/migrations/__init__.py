"""Alembic migrations for Sverka's schema (run by ``sverka db upgrade``)."""
