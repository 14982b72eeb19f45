from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark and scale-seeding tooling (`manage.py bench`, `seed_scale`).

    It sits above every app and imports them all; no app imports it. Listed last in
    INSTALLED_APPS.
    """

    name = "bench"
