from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "victimjourney.synthetic"
    label = "synthetic"
    default_auto_field = "django.db.models.BigAutoField"
