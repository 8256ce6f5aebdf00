"""The one row the printed documents need: the short code that leads from a paper to its state."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class Verification(models.Model):
    """The verification code printed (with its QR code) on a letter 1-213 or a comment form 3-213.

    Made the first time the document is printed and never changed, so every copy of the paper
    carries the same code. The code is random (50 bits): it cannot be guessed from a number.
    """

    code = models.CharField("mã xác minh", max_length=16, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "mã xác minh văn bản"
        verbose_name_plural = "mã xác minh văn bản"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_verification_per_document")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def document(self) -> models.Model | None:
        model = self.content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.object_id).first()
