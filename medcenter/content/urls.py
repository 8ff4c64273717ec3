"""The content section's own routes (namespace `content`); Wagtail's pages are served by the
pattern in `serve_urlpatterns`, mounted last inside the language prefix."""

from django.urls import path, register_converter

from medcenter.content import views
from medcenter.content.routing import UnclaimedWagtailPathConverter, WagtailPathConverter

app_name = "content"

register_converter(WagtailPathConverter, "wagtailpath")
register_converter(UnclaimedWagtailPathConverter, "unclaimedwagtailpath")

urlpatterns = [
    path("search/", views.search, name="search"),
    # The Patient Resources section (the menu's link); the page itself is Wagtail's.
    path("resources/", views.serve, {"path": "resources/"}, name="resources"),
]

# Un-namespaced: Wagtail reverses "wagtail_serve" for every page's address. The converter
# matches only paths under one of the tree's top-level pages, so every other address is
# unknown as before: a 404, and the language middleware's redirects are unchanged.
serve_urlpatterns = [
    path("<wagtailpath:path>", views.serve, name="wagtail_serve"),
]

# The same view, mounted first inside the language prefix for the pages whose address no
# other route could take (most of them): they skip trying every app's routes (routing.py).
# Unnamed, so "wagtail_serve" reverses through the pattern above, to the same address.
early_serve_urlpatterns = [
    path("<unclaimedwagtailpath:path>", views.serve),
]
