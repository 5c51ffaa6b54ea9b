from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("thong-ke.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("cho-toi/", views.waiting_widget, name="waiting"),
    path("bang-dieu-hanh/", views.dashboard_widget, name="dashboard"),
    path("danh-sach/", views.work_list, name="list"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="my_tasks"),
    path("bao-cao-06-thang/", views.usage_page, name="usage"),
    path("bao-cao-06-thang.<str:ext>", views.usage_file, name="usage_file"),
]
