from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("ho-so/", views.profile, name="profile"),
    path("ho-so/anh-chu-ky.png", views.profile_image, name="profile_image"),
    path("co-quan/", views.agency, name="agency"),
    path("co-quan/<int:agency_id>/anh-con-dau.png", views.agency_image, name="agency_image"),
    path("kiem-tra/", views.verify, name="verify"),
    path("chung-thu-goc/", views.trust_anchors, name="anchors"),
    path("usb-token/", views.plugin, name="plugin"),
    path("bao-cao/<int:pk>/", views.report, name="report"),
]
