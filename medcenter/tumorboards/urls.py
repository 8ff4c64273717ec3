from django.urls import path

from medcenter.tumorboards import views

app_name = "tumorboards"

base = "staff/tumorboards/"
case = f"{base}cases/<uuid:case_id>/"
meeting = f"{base}meetings/<uuid:meeting_id>/"
urlpatterns = [
    path(base, views.index, name="index"),
    path("staff/patients/<uuid:public_id>/tumorboards/submit/", views.submit, name="submit"),
    path(case, views.case, name="case"),
    path(f"{case}place/", views.place, name="place"),
    path(f"{case}postpone/", views.postpone, name="postpone"),
    path(f"{case}withdraw/", views.withdraw, name="withdraw"),
    path(f"{case}recommend/", views.recommend, name="recommend"),
    path(f"{case}sign/", views.sign, name="sign"),
    path(f"{case}care-plan/", views.start_plan, name="start_plan"),
    path(f"{case}attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
    path(meeting, views.meeting, name="meeting"),
    path(f"{meeting}lock/", views.lock, name="lock"),
    path(f"{meeting}attendance/", views.attendance, name="attendance"),
    path(f"{meeting}cancel/", views.cancel, name="cancel"),
    path(f"{meeting}move/", views.move, name="move"),
    path(f"{base}boards/", views.boards, name="boards"),
    path(f"{base}boards/add/", views.add_board, name="add_board"),
    path(f"{base}boards/<slug:board_slug>/", views.board, name="board"),
    path(f"{base}boards/<slug:board_slug>/members/", views.board_member, name="board_member"),
    path(
        f"{base}boards/<slug:board_slug>/members/remove/",
        views.remove_board_member,
        name="remove_member",
    ),
    path(f"{base}boards/<slug:board_slug>/calendar.ics", views.board_calendar, name="calendar"),
    path(f"{base}boards/<slug:board_slug>/metrics/", views.metrics, name="metrics"),
]
