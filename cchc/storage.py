"""Storing a file together with the row that refers to it: both, or neither."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import models

log = logging.getLogger(__name__)

STORAGE_FAILED = (
    "Máy chủ không lưu được tệp (ổ đĩa đầy hoặc thư mục lưu trữ không ghi được), nên chưa có gì "
    "được lưu. Hãy thử lại sau ít phút; nếu vẫn không được, báo quản trị hệ thống."
)


def save_with_file(instance: models.Model, field: str, name: str, content) -> None:
    """Store `content` in `instance.<field>`, then save the row.

    A storage that refuses the file (disk full, read-only or missing folder, bucket down)
    becomes a ValidationError with a Vietnamese message and no row; a row that cannot be
    saved takes its file away with it.
    """
    file = getattr(instance, field)
    try:
        file.save(name, content, save=False)
    except OSError as exc:
        log.error("Storage refused %s for %s: %s", name, type(instance).__name__, exc)
        raise ValidationError(STORAGE_FAILED) from exc
    try:
        instance.save()
    except Exception:
        file.delete(save=False)
        raise
