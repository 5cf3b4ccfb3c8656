from django.apps import AppConfig
from django.core.signals import setting_changed


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.data_version import forget_cached_parts

        # A setting changed while the process runs (tests do): the pages' cached parts were
        # rendered under the old one. In production settings change with a restart, which
        # empties the per-process cache anyway.
        setting_changed.connect(forget_cached_parts, dispatch_uid="core_fragments_settings")
