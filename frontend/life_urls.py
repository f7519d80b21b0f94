"""Routes of the circle-life pages (sessions, calendar, goals, matching), included at
the site root by config/urls.py."""

from django.urls import path

from frontend import life_views

urlpatterns = [
    path(
        "circles/<int:circle_id>/sessions/",
        life_views.sessions,
        name="circle-sessions",
    ),
    path(
        "circles/<int:circle_id>/sessions/<int:session_id>/record/",
        life_views.record_session,
        name="circle-session-record",
    ),
    path(
        "circles/<int:circle_id>/sessions/<int:session_id>/cancel/",
        life_views.cancel_session,
        name="circle-session-cancel",
    ),
    path(
        "circles/<int:circle_id>/calendar.ics",
        life_views.calendar,
        name="circle-calendar",
    ),
    path("circles/<int:circle_id>/goals/", life_views.goals, name="circle-goals"),
    path(
        "circles/<int:circle_id>/goals/update/",
        life_views.update_goal,
        name="circle-goal-update",
    ),
    path(
        "circles/<int:circle_id>/goals/review/",
        life_views.record_review,
        name="circle-goal-review",
    ),
    path("matching/", life_views.matching_home, name="matching"),
    path(
        "matching/programs/<int:program_id>/mentees/<int:mentee_id>/",
        life_views.match_mentee,
        name="matching-mentee",
    ),
    path(
        "matching/programs/<int:program_id>/people/<int:person_id>/profile/",
        life_views.edit_profile,
        name="matching-profile",
    ),
]
