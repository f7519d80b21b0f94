from django.urls import path

from frontend import staff_views

urlpatterns = [
    path("", staff_views.hub, name="staff-hub"),
    path("programs/<int:program_id>/rules/", staff_views.rules, name="staff-rules"),
    path(
        "programs/<int:program_id>/exports/", staff_views.exports, name="staff-exports"
    ),
    path(
        "exports/<int:job_id>/", staff_views.export_status, name="staff-export-status"
    ),
    path(
        "exports/<int:job_id>/download/",
        staff_views.export_download,
        name="staff-export-download",
    ),
    path("keys/", staff_views.keys, name="staff-keys"),
]
