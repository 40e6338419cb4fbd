from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "victimjourney.web"
    label = "web"
