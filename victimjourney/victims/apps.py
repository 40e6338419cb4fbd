from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victimjourney.victims"
    label = "victims"
    default_auto_field = "django.db.models.BigAutoField"
