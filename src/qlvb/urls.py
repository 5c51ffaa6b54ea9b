from django.contrib import admin
from django.urls import include, path

from qlvb.api.urls import api
from qlvb.integrations.api import integration_api

admin.site.site_header = "Quản trị hệ thống QLVB&ĐH"
admin.site.site_title = "QLVB&ĐH"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/integration/v1/", integration_api.urls),
    path("quan-tri/he-thong-ket-noi/", include("qlvb.integrations.urls")),
    path("", include("qlvb.api.health")),
    path("quan-tri/su-co/", include("qlvb.operations.urls")),
    path("ho-tro/", include("qlvb.operations.support_urls")),
    path("du-lieu-ca-nhan/", include("qlvb.operations.personal_export_urls")),
    path("quan-tri/nang-cap/", include("qlvb.operations.upgrade_urls")),
    path("quan-tri/sao-luu/", include("qlvb.operations.backup_urls")),
    path("quan-tri/ban-giao/", include("qlvb.operations.handover_urls")),
    path("quan-tri/nhap-so/", include("qlvb.operations.register_import_urls")),
    path("quan-tri/chuyen-doi/", include("qlvb.operations.migration_urls")),
    path("quan-tri/", include("qlvb.directory.urls")),
    path("", include("qlvb.files.urls")),
    path("van-ban-den/", include("qlvb.notifications.urls")),
    path("van-ban-den/", include("qlvb.incoming.urls")),
    path("van-ban-di/", include("qlvb.outgoing.urls")),
    path("ky-so/", include("qlvb.signing.urls")),
    path("lien-thong/", include("qlvb.exchange.urls")),
    path("ho-so/", include("qlvb.dossiers.urls")),
    path("", include("qlvb.direction.urls")),
    path("thong-ke/", include("qlvb.reports.urls")),
    path("", include("qlvb.web.urls")),
]
