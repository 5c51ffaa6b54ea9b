from django.urls import path

from . import views

app_name = "incoming"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tep/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:pk>/tep/", views.files_fragment, name="files"),
    path("<int:pk>/tep/them/", views.files_add, name="files_add"),
    path("<int:pk>/sua/", views.correct, name="correct"),
    path("<int:pk>/tep/<int:attachment_id>/kiem-tra-lai/", views.verify_again, name="verify_again"),
    path("<int:pk>/tu-choi/", views.reject, name="reject"),
    path("<int:pk>/vao-so/", views.register, name="register"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/tra-lai/", views.return_to_clerk, name="return"),
    path("<int:pk>/chi-dao/", views.direct, name="direct"),
    path("<int:pk>/tu-xu-ly/", views.handle_self, name="handle_self"),
    path("<int:pk>/chuyen/", views.route, name="route"),
    path("phan-cong/<int:pk>/giao/", views.assign, name="assign"),
    path("phan-cong/<int:pk>/tra-lai/", views.assignment_return, name="assignment_return"),
    path("phan-cong/<int:pk>/tien-do/", views.report, name="report"),
    path("phan-cong/<int:pk>/hoan-thanh/", views.complete, name="complete"),
    path("phan-cong/<int:pk>/chap-nhan/", views.accept, name="accept"),
    path("phan-cong/<int:pk>/tra-lai-ket-qua/", views.return_result, name="return_result"),
    path("phan-cong/<int:pk>/gia-han/", views.extend, name="extend"),
    path("phan-cong/<int:pk>/don-doc/", views.remind, name="remind"),
    path("gia-han/<int:pk>/", views.extension_decide, name="extension_decide"),
    path("in/<slug:kind>/", views.report_form, name="report_form"),
    path("in/<slug:kind>.<str:ext>", views.report_file, name="report"),
    path("<int:pk>/phieu-giai-quyet.<str:ext>", views.slip, name="slip"),
]
