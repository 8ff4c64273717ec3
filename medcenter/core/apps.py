from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medcenter.core"
    label = "core"
