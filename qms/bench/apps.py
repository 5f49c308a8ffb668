from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "qms.bench"
    label = "bench"
    verbose_name = "Benchmark"
