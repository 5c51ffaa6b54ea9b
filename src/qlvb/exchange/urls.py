from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.axis_home, name="home"),
    path("goi-tin/<int:pk>/gui-lai/", views.outbox_retry, name="outbox_retry"),
    path("ket-noi/", views.connections, name="connections"),
    path("ket-noi/<int:agency_pk>/", views.connection_edit, name="connection_edit"),
    path("ket-noi/<int:agency_pk>/kiem-tra/", views.connection_test, name="connection_test"),
    path("danh-ba/dong-bo/", views.directory_sync, name="directory_sync"),
]
