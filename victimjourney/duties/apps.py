from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "victimjourney.duties"
    label = "duties"
    default_auto_field = "django.db.models.BigAutoField"
