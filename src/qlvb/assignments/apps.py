from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "qlvb.assignments"
    label = "assignments"
    verbose_name = "Phân công xử lý"
