"""The real URLconf plus a stand-in directory app, to see a section join the menu."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from medcenter.pages import views
from medcenter.urls import urlpatterns

directory_patterns = ([path("doctors/", views.contact, name="doctors")], "directory")

urlpatterns = [*urlpatterns, *i18n_patterns(path("", include(directory_patterns)))]
