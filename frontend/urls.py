from django.urls import include, path

from frontend import views

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", include("frontend.staff_urls")),
    path("circles/<int:circle_id>/", views.chat, name="circle-chat"),
    path("circles/<int:circle_id>/welcome/", views.welcome, name="circle-welcome"),
    path(
        "circles/<int:circle_id>/welcome/conduct/",
        views.accept_conduct_view,
        name="circle-accept-conduct",
    ),
    path(
        "circles/<int:circle_id>/agreement/", views.agreement, name="circle-agreement"
    ),
    path(
        "circles/<int:circle_id>/agreement/edit/",
        views.edit_agreement,
        name="circle-agreement-edit",
    ),
    path(
        "circles/<int:circle_id>/agreement/accept/",
        views.accept_agreement_view,
        name="circle-agreement-accept",
    ),
]
