"""The content section's own routes (namespace `content`); Wagtail's pages are served by the
catch-all in `serve_urlpatterns`, mounted last inside the language prefix."""

from django.urls import path, re_path

from medcenter.content import views

app_name = "content"

urlpatterns = [
    path("search/", views.search, name="search"),
    # The Patient Resources section (the menu's link); the page itself is Wagtail's.
    path("resources/", views.serve, {"path": "resources/"}, name="resources"),
]

# Un-namespaced: Wagtail reverses "wagtail_serve" for every page's address. Each path segment
# ends in a slash, as Wagtail's own pattern requires; anything else is a 404 as before.
serve_urlpatterns = [
    re_path(r"^(?P<path>(?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
]
