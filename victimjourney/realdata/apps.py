from django.apps import AppConfig


class RealdataConfig(AppConfig):
    name = "victimjourney.realdata"
    label = "realdata"
    default_auto_field = "django.db.models.BigAutoField"
