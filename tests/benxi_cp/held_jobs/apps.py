from django.apps import AppConfig


class HeldJobsConfig(AppConfig):
    name = "tests.benxi_cp.held_jobs"
    label = "held_jobs"

    def ready(self) -> None:
        from benxi_cp.registry import registry
        from tests.benxi_cp.held_jobs.jobs import KIND

        registry.job_kinds.register(KIND)
