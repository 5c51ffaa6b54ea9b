from django.urls import path

from . import unit_views, views

app_name = "directory"

urlpatterns = [
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/de-xuat-ten/", views.username_proposal, name="username_proposal"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/khoa/", views.user_lock, name="user_lock"),
    path("nguoi-dung/<int:pk>/mo-khoa/", views.user_unlock, name="user_unlock"),
    path("nguoi-dung/<int:pk>/dat-lai-mat-khau/", views.user_password_reset, name="user_password_reset"),
    path("nguoi-dung/<int:pk>/dang-xuat-moi-noi/", views.user_sessions_end, name="user_sessions_end"),
    path("nguoi-dung/<int:pk>/dat-lai-xac-thuc-hai-buoc/", views.user_twofactor_reset, name="user_twofactor_reset"),
    path("nguoi-dung/<int:pk>/vai-tro/them/", views.role_grant, name="role_grant"),
    path("nguoi-dung/<int:pk>/vai-tro/bo/", views.role_revoke, name="role_revoke"),
]

urlpatterns += [
    path("co-quan-ngoai/", views.outside_agencies, name="outside_agencies"),
]

urlpatterns += [
    path("don-vi/", unit_views.unit_list, name="unit_list"),
    path("don-vi/them/", unit_views.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/", unit_views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/chuyen/", unit_views.unit_move, name="unit_move"),
    path("don-vi/<int:pk>/giai-the/", unit_views.unit_close, name="unit_close"),
]

from . import delegation_views  # noqa: E402

urlpatterns += [
    path("uy-quyen/", delegation_views.delegation_list, name="delegations"),
    path("uy-quyen/<int:pk>/thu-hoi/", delegation_views.delegation_revoke, name="delegation_revoke"),
]
