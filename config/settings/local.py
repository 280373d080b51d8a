"""Embedded default for one machine: `make run`. DEBUG stays off unless DEBUG=1."""

from .base import *  # noqa: F403
from .env import env_str

SECRET_KEY = SECRET_KEY or env_str("LOCAL_SECRET_KEY", "aftersales-local-only-not-for-production")  # noqa: F405
DEMO_DATA_ALLOWED = True
