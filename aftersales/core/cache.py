"""The Redis cache backend, with one client object per server instead of one per call.

Django's ``RedisCache`` wraps its connection pool in a new ``redis.Redis`` object on every cache call;
building it is about a tenth of a millisecond, and an API request makes three or more calls (its token,
the user's grants). The object holds no connection of its own (the pool does, and the pool starts afresh
in a forked worker), so one per server serves every call of the cache instance; Django keeps one cache
instance per thread.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient
