"""Circles' settings plus one change under test, for what-if profiling runs only
(DJANGO_SETTINGS_MODULE=bench.whatif_settings; WHATIF selects the change). The
product never uses this module."""

import os

from config.settings import *  # noqa: F403
from config.settings import CHANNEL_LAYERS, DATABASES

changes = set(filter(None, os.environ.get("WHATIF", "").split(",")))
if "conn_reuse" in changes:
    # Keep the one database connection of the sync thread open between calls.
    DATABASES["default"]["CONN_MAX_AGE"] = None

layer = CHANNEL_LAYERS["default"]
if "redis_no_socket_timeout" in changes and "channels_redis" in layer["BACKEND"]:
    # redis-py 8's default 5 s socket timeout cuts the core layer's blocking
    # BZPOPMIN (channels_redis#422): turn it off.
    layer_config = layer["CONFIG"]
    layer_config["hosts"] = [
        {"address": url, "socket_timeout": None} for url in layer_config["hosts"]
    ]
