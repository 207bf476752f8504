"""The MQTT gateway's pure parts: the topic scheme and the payload codec (no Django, no network)."""
