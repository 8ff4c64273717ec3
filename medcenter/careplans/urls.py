from django.urls import path

from medcenter.careplans import views

app_name = "careplans"

urlpatterns = [
    path("staff/care-plans/<uuid:plan_id>/", views.plan, name="plan"),
    path("staff/care-plans/<uuid:plan_id>/activate/", views.activate, name="activate"),
    path("staff/navigation/", views.queue, name="queue"),
    path("staff/navigation/tasks/<uuid:task_id>/", views.task, name="task"),
    path("portal/<uuid:public_id>/care-plan/", views.portal_plan, name="portal_plan"),
    path("portal/<uuid:public_id>/care-plan/pdf/", views.portal_plan_pdf, name="portal_plan_pdf"),
]
