import uuid

from django.db import models


class PublicModel(models.Model):
    """Base for every domain table: a UUID for URLs and APIs, and when the row changed.

    Integer keys stay internal; anything a user or another system sees is the public id.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
