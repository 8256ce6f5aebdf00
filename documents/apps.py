from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Văn bản in (mẫu 1-213, 3-213, sổ theo dõi)"
