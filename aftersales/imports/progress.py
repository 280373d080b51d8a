"""Progress of a running job, in the Django cache so another process (the web server) can read it
while the worker's transaction is still open. The job row gets the final numbers at the end."""

from __future__ import annotations

from django.core.cache import cache

TTL_SECONDS = 24 * 3600


def _key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


def progress_write(*, job_id: int, status: str, processed: int, total: int) -> None:
    cache.set(_key(job_id), {"status": status, "processed": processed, "total": total}, TTL_SECONDS)


def progress_read(job_id: int) -> dict | None:
    value = cache.get(_key(job_id))
    return value if isinstance(value, dict) else None


def progress_clear(job_id: int) -> None:
    cache.delete(_key(job_id))


class ProgressReporter:
    """Writes to the cache about every 1 % of the rows (and at least every 500 rows), not on every row."""

    def __init__(self, *, job_id: int, status: str, total: int) -> None:
        self.job_id, self.status, self.total = job_id, status, total
        self.step = max(1, min(500, total // 100))
        self.processed = 0
        progress_write(job_id=job_id, status=status, processed=0, total=total)

    def advance(self) -> None:
        self.processed += 1
        if self.processed % self.step == 0 or self.processed == self.total:
            progress_write(job_id=self.job_id, status=self.status, processed=self.processed, total=self.total)
