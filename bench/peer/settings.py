"""Settings of the reference peer: the Channels tutorial, nothing more."""

import os

SECRET_KEY = "bench-peer-not-secret"  # noqa: S105 -- a local benchmark server only
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["channels"]
ROOT_URLCONF = "bench.peer.urls"
ASGI_APPLICATION = "bench.peer.asgi.application"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
REDIS_URL = os.environ.get("REDIS_URL")
CHANNEL_LAYER = os.environ.get("CHANNEL_LAYER", "pubsub")
if REDIS_URL:
    # redis-py 8 reads with a 5 s socket timeout by default, which cuts the core
    # layer's blocking BZPOPMIN (also 5 s) and kills consumers (channels_redis#422);
    # the peer measures the layer, not that bug, so it turns the timeout off.
    HOST = {"address": REDIS_URL, "socket_timeout": None}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "core": "channels_redis.core.RedisChannelLayer",
            }[CHANNEL_LAYER],
            "CONFIG": {
                "hosts": [HOST if CHANNEL_LAYER == "core" else REDIS_URL],
                "prefix": "peer",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
