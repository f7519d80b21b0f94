from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Circles and messages"

    def ready(self) -> None:
        from messaging import signals  # noqa: F401 -- connects the receivers
