from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "victimjourney.organisations"
    label = "organisations"
    default_auto_field = "django.db.models.BigAutoField"
