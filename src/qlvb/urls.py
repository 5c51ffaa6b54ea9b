from django.contrib import admin
from django.urls import include, path

from qlvb.api.urls import api

admin.site.site_header = "Quản trị hệ thống QLVB&ĐH"
admin.site.site_title = "QLVB&ĐH"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("qlvb.api.health")),
    path("quan-tri/", include("qlvb.directory.urls")),
    path("", include("qlvb.files.urls")),
    path("van-ban-den/", include("qlvb.notifications.urls")),
    path("van-ban-den/", include("qlvb.incoming.urls")),
    path("van-ban-di/", include("qlvb.outgoing.urls")),
    path("ky-so/", include("qlvb.signing.urls")),
    path("lien-thong/", include("qlvb.exchange.urls")),
    path("ho-so/", include("qlvb.dossiers.urls")),
    path("", include("qlvb.web.urls")),
]
