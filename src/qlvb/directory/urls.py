from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/de-xuat-ten/", views.username_proposal, name="username_proposal"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/khoa/", views.user_lock, name="user_lock"),
    path("nguoi-dung/<int:pk>/mo-khoa/", views.user_unlock, name="user_unlock"),
    path("nguoi-dung/<int:pk>/vai-tro/them/", views.role_grant, name="role_grant"),
    path("nguoi-dung/<int:pk>/vai-tro/bo/", views.role_revoke, name="role_revoke"),
]

urlpatterns += [
    path("co-quan-ngoai/", views.outside_agencies, name="outside_agencies"),
]
