from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "qlvb.signing"
    label = "signing"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from qlvb.directory.demo import demo_extra_register

        from . import audit_actions, policies  # noqa: F401  (declares permissions and audit actions)
        from .demo import demo_command_line

        demo_extra_register("signing", demo_command_line)

        from qlvb.core.management.commands.serve import side_service_register

        from .demo_pki import side_service

        side_service_register("signing-demo-pki", side_service)
