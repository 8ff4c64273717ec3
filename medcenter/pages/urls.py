from django.urls import path

from medcenter.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("nondiscrimination/", views.nondiscrimination, name="nondiscrimination"),
    path("privacy/", views.privacy, name="privacy"),
    path("styleguide/", views.styleguide, name="styleguide"),
]
