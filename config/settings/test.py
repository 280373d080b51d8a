"""Test settings: the database comes from DATABASE_URL (PostgreSQL in CI) or SQLite."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key"  # noqa: S105
DEMO_DATA_ALLOWED = True
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # Tests use an in-memory SQLite database of their own.
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}  # noqa: F405
AXES_ENABLED = True
if not CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # A prefix of its own so parallel runs never read each other's keys.
    import uuid

    CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"  # noqa: F405
LANGUAGE_CODE = "en"
# Read roles on every request, so that the query counts the tests pin do not depend on the order in
# which tests run; the cache itself is tested on its own (core/tests/test_access.py).
ACCESS_CACHE_SECONDS = 0
API_TOKEN_CACHE_SECONDS = 0  # likewise; the token cache is tested in accounts/tests/test_token_cache.py
