from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "medcenter.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires and symptom reports"

    def ready(self) -> None:
        from medcenter.questionnaires import portal

        portal.register()
