"""Reads to read replicas, writes to the primary (PostgreSQL scale-out).

Active only when ``DATABASE_REPLICA_URLS`` names one or more replicas. A request that has written
keeps reading from the primary for the rest of the transaction, because Django routes queries inside
``transaction.atomic`` blocks to the connection of the write (``select_for_update`` and services run
on "default").
"""

from __future__ import annotations

import random

from django.conf import settings
from django.db import transaction


class PrimaryReplicaRouter:
    def _replicas(self) -> list[str]:
        return list(getattr(settings, "DATABASE_REPLICAS", []))

    def db_for_read(self, model, **hints):
        replicas = self._replicas()
        if not replicas or transaction.get_connection("default").in_atomic_block:
            return "default"  # inside a transaction: read your own writes
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # all aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
