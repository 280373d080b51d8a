"""Settings of ``bench.request_floor``'s server: the project's, answering only the floor's one operation."""

from config.settings.local import *  # noqa: F401,F403

ROOT_URLCONF = "bench.request_floor"
