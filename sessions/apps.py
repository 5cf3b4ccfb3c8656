from django.apps import AppConfig


class MentoringSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "mentoring_sessions"
    verbose_name = "Mentoring sessions"
