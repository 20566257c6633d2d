from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Excel in and out: frameworks, offline self-assessment, appraisal tables, units, officials.

    Every import is previewed first and applied whole or not at all; the uploaded file is kept
    with its import record.
    """

    name = "exchange"
    verbose_name = "Trao đổi dữ liệu Excel"
