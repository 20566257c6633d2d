from django.apps import AppConfig


class RoundsConfig(AppConfig):
    """A council's rounds as pages: open a round for many units, follow them on the board,
    preview and publish each ranking group. The models and services live in `scoring`."""

    name = "rounds"
    verbose_name = "Đợt đánh giá"
