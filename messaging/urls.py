"""Routes of the member API for circles, included at /api/circles/ by config/urls.py."""

from django.urls import path

from messaging import api

app_name = "circle-api"

urlpatterns = [
    path("<int:circle_id>/appeals/", api.appeals, name="appeals"),
    path("<int:circle_id>/activity/", api.activity, name="activity"),
    path("<int:circle_id>/closure/", api.closure, name="closure"),
]
