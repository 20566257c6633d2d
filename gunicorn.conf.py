"""gunicorn's settings, read from the working directory (`gunicorn cchc.wsgi` in the README,
deploy/cchc-web.service, bench/load/run.py).

Threads in each worker process: with plain sync workers a cheap request (a page, the load
balancer's /healthz/) waits behind whatever the worker processes are busy with (a PDF being
rendered, a password being hashed); with threads it is answered beside them. The number of
processes is WEB_CONCURRENCY (gunicorn reads it itself), threads GUNICORN_THREADS.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
