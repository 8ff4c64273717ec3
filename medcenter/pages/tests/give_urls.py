"""The real URLconf plus a stand-in giving app, to see a way in join the home page."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from medcenter.pages import views
from medcenter.urls import urlpatterns

giving_patterns = ([path("give/", views.contact, name="give")], "giving")

urlpatterns = [*urlpatterns, *i18n_patterns(path("", include(giving_patterns)))]
