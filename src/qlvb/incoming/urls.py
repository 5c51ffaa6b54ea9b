from django.urls import path

from . import action_views, output_views, seen_setting, views

app_name = "incoming"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/da-xem/", views.mark_seen, name="mark_seen"),
    path("co-quan/<int:pk>/ghi-nhan-da-xem/", seen_setting.seen_setting_save, name="seen_setting"),
    path("<int:pk>/tep/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:pk>/tep/", views.files_fragment, name="files"),
    path("<int:pk>/tep/them/", action_views.files_add, name="files_add"),
    path("<int:pk>/sua/", action_views.correct, name="correct"),
    path("<int:pk>/tep/<int:attachment_id>/kiem-tra-lai/", views.verify_again, name="verify_again"),
    path("<int:pk>/tu-choi/", action_views.reject, name="reject"),
    path("<int:pk>/vao-so/", action_views.register, name="register"),
    path("<int:pk>/trinh/", action_views.submit, name="submit"),
    path("<int:pk>/tra-lai/", action_views.return_to_clerk, name="return"),
    path("<int:pk>/chi-dao/", action_views.direct, name="direct"),
    path("<int:pk>/tu-xu-ly/", action_views.handle_self, name="handle_self"),
    path("<int:pk>/chuyen/", action_views.route, name="route"),
    path("phan-cong/<int:pk>/giao/", action_views.assign, name="assign"),
    path("phan-cong/<int:pk>/tra-lai/", action_views.assignment_return, name="assignment_return"),
    path("phan-cong/<int:pk>/tien-do/", action_views.report, name="report"),
    path("phan-cong/<int:pk>/hoan-thanh/", action_views.complete, name="complete"),
    path("phan-cong/<int:pk>/chap-nhan/", action_views.accept, name="accept"),
    path("phan-cong/<int:pk>/tra-lai-ket-qua/", action_views.return_result, name="return_result"),
    path("phan-cong/<int:pk>/gia-han/", action_views.extend, name="extend"),
    path("phan-cong/<int:pk>/don-doc/", action_views.remind, name="remind"),
    path("gia-han/<int:pk>/", action_views.extension_decide, name="extension_decide"),
    path("in/<slug:kind>/", output_views.report_form, name="report_form"),
    path("in/<slug:kind>.<str:ext>", output_views.report_file, name="report"),
    path("<int:pk>/phieu-giai-quyet.<str:ext>", output_views.slip, name="slip"),
]
