from django.urls import URLPattern

app_name = "portal"

# The portal's own pages (home, record switch, appointments, check-in, summary, download,
# preferences) arrive with issue 18's portal work; other apps route their portal sections
# under /portal/<uuid:public_id>/<section>/ in their own urls.py.
urlpatterns: list[URLPattern] = []
