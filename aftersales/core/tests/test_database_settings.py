"""The database settings read from the environment (config/settings/base.py)."""

from __future__ import annotations

from django.db import connection

from config.settings import base


def test_postgresql_prepares_statements_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    config = base._postgres("postgres://u@db.example:5432/aftersales")
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 1}
    assert (config["NAME"], config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == ("aftersales", 60, True)


def test_prepared_statements_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    assert "server_side_binding" not in base._postgres("postgres://u@db.example/aftersales").get("OPTIONS", {})


def test_options_in_the_url_are_kept(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    config = base._postgres("postgres://u@db.example/aftersales?sslmode=require")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["OPTIONS"]["server_side_binding"] is True


def test_the_suite_runs_with_what_production_gets():
    if connection.vendor == "postgresql":
        assert connection.features.uses_server_side_binding
