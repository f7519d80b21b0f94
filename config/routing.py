"""WebSocket routes (DESIGN.md, "WebSocket protocol")."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
