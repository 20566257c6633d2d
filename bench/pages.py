"""Timing a page through Django's test client, for the benchmarks (call after django.setup())."""

from __future__ import annotations

import time


def measure(client, url: str, runs: int, warmup: int) -> tuple[int, list[float]]:
    """The queries one request costs and the milliseconds of `runs` requests, after `warmup`
    requests (each must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # read now: the next request clears the connection's query log
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return queries, samples
