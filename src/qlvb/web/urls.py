from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    auditlog,
    metrics,
    passkey_views,
    pwa,
    search,
    session_views,
    sso_views,
    status_views,
    twofactor_views,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("metrics", metrics.metrics, name="metrics"),
    path("quan-tri/tinh-trang/", status_views.status, name="status"),
    path("manifest.webmanifest", pwa.manifest, name="app_manifest"),
    path("sw.js", pwa.service_worker, name="app_worker"),
    path("ung-dung/", pwa.more, name="app_more"),
    path("ung-dung/ngoai-tuyen/", pwa.offline, name="app_offline"),
    path("ung-dung/doc-pdf/", pwa.pdf_viewer, name="app_pdf"),
    path("ung-dung/so-luong/", pwa.counts, name="app_counts"),
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/thu-cong-vu/", sso_views.SsoStartView.as_view(), name="sso_start"),
    path("dang-nhap/thu-cong-vu/ve/", sso_views.sso_callback, name="sso_callback"),
    path("dang-nhap/khoa/yeu-cau/", passkey_views.sign_in_options, name="passkey_sign_in_options"),
    path("dang-nhap/khoa/", passkey_views.sign_in, name="passkey_sign_in"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("phien-dang-nhap/", session_views.sessions, name="sessions"),
    path("phien-dang-nhap/<int:pk>/dang-xuat/", session_views.session_end, name="session_end"),
    path("phien-dang-nhap/ma-truy-cap/<int:pk>/thu-hoi/", session_views.token_end, name="token_end"),
    path("phien-dang-nhap/dang-xuat-noi-khac/", session_views.sessions_end_others, name="sessions_end_others"),
    path("khoa-dang-nhap/", passkey_views.passkey_list, name="passkeys"),
    path("khoa-dang-nhap/them/yeu-cau/", passkey_views.passkey_add_options, name="passkey_add_options"),
    path("khoa-dang-nhap/them/", passkey_views.passkey_add, name="passkey_add"),
    path("khoa-dang-nhap/<int:pk>/xoa/", passkey_views.passkey_remove, name="passkey_remove"),
    path("xac-thuc/", twofactor_views.second_step, name="twofactor"),
    path("xac-thuc/bat/", twofactor_views.enrol, name="twofactor_enrol"),
    path("xac-thuc/ma-khoi-phuc/", twofactor_views.recovery_codes, name="twofactor_codes"),
    path("xac-thuc/tat/", twofactor_views.disable, name="twofactor_disable"),
    path("quan-tri/nhat-ky/", auditlog.audit_log, name="audit_log"),
    path("quan-tri/nhat-ky/kiem-tra/", auditlog.audit_verify, name="audit_verify"),
    path("tim-kiem/", search.search, name="search"),
    path("tim-kiem/xuat-xlsx/", search.search_export, name="search_export"),
    path("tim-kiem/luu/", search.saved_create, name="search_save"),
    path("tim-kiem/da-luu/<int:pk>/xoa/", search.saved_delete, name="search_saved_delete"),
]
