from django.contrib.auth import views as auth_views
from django.urls import path

from . import auditlog, search, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("quan-tri/nhat-ky/", auditlog.audit_log, name="audit_log"),
    path("quan-tri/nhat-ky/kiem-tra/", auditlog.audit_verify, name="audit_verify"),
    path("tim-kiem/", search.search, name="search"),
    path("tim-kiem/xuat-xlsx/", search.search_export, name="search_export"),
    path("tim-kiem/luu/", search.saved_create, name="search_save"),
    path("tim-kiem/da-luu/<int:pk>/xoa/", search.saved_delete, name="search_saved_delete"),
]
