from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "victimjourney.organisations"
    label = "organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from victimjourney.organisations.models import Organisation
        from victimjourney.organisations.selectors import refs_forget

        post_save.connect(refs_forget, sender=Organisation, dispatch_uid="organisation_refs")
        post_delete.connect(refs_forget, sender=Organisation, dispatch_uid="organisation_refs")
