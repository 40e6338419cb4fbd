from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "victimjourney.core"
    label = "core"
