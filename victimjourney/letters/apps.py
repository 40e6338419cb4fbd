from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "victimjourney.letters"
    label = "letters"
