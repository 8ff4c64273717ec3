from django.urls import path

from medcenter.research import views

app_name = "research"

urlpatterns = [
    path("research/publications/", views.publication_list, name="publications"),
    path("staff/research/suggestions/", views.suggestions, name="suggestions"),
]
