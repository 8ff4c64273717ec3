from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OncologyConfig(AppConfig):
    name = "medcenter.oncology"
    label = "oncology"
    verbose_name = _("Oncology record")
