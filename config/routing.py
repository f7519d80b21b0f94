"""WebSocket routes (DESIGN.md, "WebSocket protocol")."""

from django.urls import URLPattern, URLResolver, path

from messaging.consumers import CircleConsumer, MonitorConsumer

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    path("ws/circles/<int:circle_id>/", CircleConsumer.as_asgi()),
    path("ws/monitor/", MonitorConsumer.as_asgi()),
]
