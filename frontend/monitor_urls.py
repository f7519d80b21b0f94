"""Monitor dashboard pages, and the member pages for a circle's records.

Included from config/urls.py before frontend.urls (no path here overlaps its paths).
"""

from django.urls import path

from frontend import monitor_views as views

urlpatterns = [
    path("monitor/", views.dashboard, name="monitor-dashboard"),
    path("monitor/flags/<int:flag_id>/", views.flag_page, name="monitor-flag"),
    path("monitor/flags/<int:flag_id>/act/", views.flag_act, name="monitor-flag-act"),
    path("monitor/circles/<int:circle_id>/", views.circle_page, name="monitor-circle"),
    path(
        "monitor/circles/<int:circle_id>/notes/",
        views.circle_note,
        name="monitor-circle-note",
    ),
    path(
        "monitor/circles/<int:circle_id>/exit-interviews/",
        views.circle_interview,
        name="monitor-circle-interview",
    ),
    path(
        "monitor/circles/<int:circle_id>/close/",
        views.circle_close,
        name="monitor-circle-close",
    ),
    path("monitor/records/", views.records, name="monitor-records"),
    path("monitor/evaluation/", views.evaluation, name="monitor-evaluation"),
    path(
        "circles/<int:circle_id>/activity/",
        views.member_activity,
        name="circle-activity",
    ),
    path(
        "circles/<int:circle_id>/closing/", views.member_closing, name="circle-closing"
    ),
    path(
        "circles/<int:circle_id>/appeals/", views.member_appeals, name="circle-appeals"
    ),
]
