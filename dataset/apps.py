from django.apps import AppConfig


class DatasetConfig(AppConfig):
    name = "dataset"
    verbose_name = "Bộ dữ liệu quy mô quốc gia (đo hiệu năng)"
