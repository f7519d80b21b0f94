"""HTTP routes. WebSocket routes are in config/asgi.py."""

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/monitor/", include("moderation.urls")),
    path("api/circles/", include("messaging.urls")),
    path("", include("frontend.monitor_urls")),
    path("", include("frontend.life_urls")),
    path("", include("frontend.urls")),
]
