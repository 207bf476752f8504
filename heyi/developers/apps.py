"""App config for developers: outside apps, their OAuth2 credentials and the users' consent."""

from django.apps import AppConfig


class DevelopersConfig(AppConfig):
    name = "heyi.developers"
    label = "developers"
    verbose_name = "Developers"

    def ready(self) -> None:
        # The API's OAuth2 bearer auth asks this app what a token reaches (see heyi.api_auth).
        from heyi.api_auth import oauth2_resolver_set
        from heyi.developers.selectors import access_for_token

        oauth2_resolver_set(lambda raw: access_for_token(raw=raw))
