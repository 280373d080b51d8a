"""The Redis cache backend that keeps one client object per server (``aftersales.core.cache``)."""

from __future__ import annotations

import os
import threading
import uuid
from unittest import skipUnless

from django.test import SimpleTestCase

from aftersales.core.cache import SharedClientRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")


@skipUnless(REDIS_URL, "needs Redis (REDIS_URL)")
class SharedClientRedisCacheTests(SimpleTestCase):
    def setUp(self):
        self.cache = SharedClientRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex[:8]}"})
        self.addCleanup(self.cache.delete_many, ["a", "b", "n"])

    def test_every_call_uses_the_same_client(self):
        self.assertIs(self.cache._cache.get_client(), self.cache._cache.get_client(write=True))

    def test_values_round_trip(self):
        self.cache.set("a", {"x": 1}, 30)
        self.assertEqual(self.cache.get("a"), {"x": 1})
        self.assertTrue(self.cache.add("b", 2, 30))
        self.assertFalse(self.cache.add("b", 3, 30))
        self.assertEqual(self.cache.get_many(["a", "b", "missing"]), {"a": {"x": 1}, "b": 2})
        self.cache.set("n", 1, 30)
        self.assertEqual(self.cache.incr("n"), 2)
        self.cache.delete("a")
        self.assertIsNone(self.cache.get("a"))

    def test_the_shared_client_serves_threads_at_once(self):
        errors = []

        def work(index):
            try:
                for round_ in range(50):
                    self.cache.set(f"t{index}", round_, 30)
                    if self.cache.get(f"t{index}") != round_:
                        errors.append((index, round_))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.cache.delete_many([f"t{i}" for i in range(4)])
        self.assertEqual(errors, [])
