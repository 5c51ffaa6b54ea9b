from django.contrib.auth import views as auth_views
from django.urls import path

from . import auditlog, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("quan-tri/nhat-ky/", auditlog.audit_log, name="audit_log"),
    path("quan-tri/nhat-ky/kiem-tra/", auditlog.audit_verify, name="audit_verify"),
]
