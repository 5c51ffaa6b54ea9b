from django.urls import path

from . import views, views_actions, views_consultation, views_usbsign

app_name = "outgoing"

urlpatterns = [
    path("", views.outgoing_list, name="list"),
    path("soan/", views.create, name="create"),
    path("so-dang-ky/", views.register, name="register"),
    path("<int:pk>/y-kien/", views_consultation.consultation_open, name="consultation_open"),
    path(
        "<int:pk>/y-kien/<int:cid>/tong-hop.<str:fmt>",
        views_consultation.consultation_export,
        name="consultation_export",
    ),
    path("<int:pk>/y-kien/<int:cid>/<slug:action>/", views_consultation.consultation_act, name="consultation_act"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/tep/<int:file_id>/", views.file_download, name="file"),
    path("<int:pk>/ky-usb/", views_usbsign.sign_usb, name="sign_usb"),
    path("<int:pk>/ky-usb/bat-dau/", views_usbsign.sign_usb_start, name="sign_usb_start"),
    path("<int:pk>/ky-usb/<str:session>/hoan-tat/", views_usbsign.sign_usb_finish, name="sign_usb_finish"),
    path("<int:pk>/<slug:action>/", views_actions.act, name="act"),
]
