"""Routes of the monitor API, included at /api/monitor/ by config/urls.py."""

from django.urls import path

from moderation import api

app_name = "monitor-api"

urlpatterns = [
    path("flags/", api.flags, name="flags"),
    path("flags/<int:flag_id>/", api.flag, name="flag"),
    path("circles/<int:circle_id>/thread/", api.thread, name="thread"),
    path("circles/<int:circle_id>/notes/", api.notes, name="notes"),
    path(
        "circles/<int:circle_id>/exit-interviews/",
        api.exit_interviews,
        name="exit-interviews",
    ),
    path("circles/<int:circle_id>/close/", api.close, name="close"),
    path("circles/<int:circle_id>/activity/", api.activity, name="activity"),
    path("follow-ups/overdue/", api.overdue_follow_ups, name="overdue-follow-ups"),
    path("hours/under/", api.under_hours, name="under-hours"),
    path("closures/pending/", api.pending_closures, name="pending-closures"),
]
