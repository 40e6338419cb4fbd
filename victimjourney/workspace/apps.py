from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "victimjourney.workspace"
    label = "workspace"
