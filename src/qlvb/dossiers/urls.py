from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/muc-luc.<str:fmt>", views.dossier_catalogue, name="catalogue"),
    path("them-van-ban/", views.item_add, name="item_add"),
    path("danh-muc/", views.plan_list, name="plans"),
    path("danh-muc/<int:pk>/", views.plan_detail, name="plan"),
]
