from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "victimjourney.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from victimjourney.privacy import checks  # noqa: F401  (registers the system check)
