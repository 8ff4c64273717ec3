from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "medcenter.pages"
    label = "pages"
