from django.urls import path

from . import views

app_name = "outgoing"

urlpatterns = [
    path("", views.outgoing_list, name="list"),
    path("soan/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tep/<int:file_id>/", views.file_download, name="file"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
