"""Work that runs after the request: building a bundle of phụ lục in a thread.

The project has no task queue yet, so a bundle is built in a daemon thread of the web process
once the request's transaction has committed. The bundle row records its progress and its
outcome, so the page shows the truth even if the process is restarted midway (the bundle then
stays "đang tạo" and the user asks for it again). When a queue arrives, `start_bundle` is the
one place to change.
"""

from __future__ import annotations

import threading

from django.db import close_old_connections, connection, transaction

from documents.models import DocumentBundle


def start_bundle(bundle: DocumentBundle) -> None:
    transaction.on_commit(lambda: _spawn(bundle.pk))


def _spawn(pk: int) -> None:
    threading.Thread(target=run_bundle, args=(pk,), name=f"bundle-{pk}", daemon=True).start()


def run_bundle(pk: int) -> None:
    from documents.services import bundle_build

    close_old_connections()
    try:
        bundle_build(bundle=DocumentBundle.objects.select_related("framework", "period").get(pk=pk))
    finally:
        connection.close()
