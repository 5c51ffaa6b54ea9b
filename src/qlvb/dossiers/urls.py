from django.urls import path

from . import archive_views, views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/muc-luc.<str:fmt>", views.dossier_catalogue, name="catalogue"),
    path("them-van-ban/", views.item_add, name="item_add"),
    path("danh-muc/", views.plan_list, name="plans"),
    path("danh-muc/<int:pk>/", views.plan_detail, name="plan"),
    # the agency archive (archive_views.py)
    path("<int:pk>/che-do-su-dung/", archive_views.dossier_terms, name="terms"),
    path("nop-luu/", archive_views.transfer_list, name="transfers"),
    path("nop-luu/<int:pk>/", archive_views.transfer_detail, name="transfer"),
    path("nop-luu/giu-lai/", archive_views.dossier_keep, name="keep"),
    path("nop-luu/<int:pk>/<str:form>.<str:fmt>", archive_views.transfer_form, name="transfer_form"),
    path("luu-tru/", archive_views.archive_inbox, name="archive"),
    path("luu-tru/het-han/", archive_views.expiring, name="expiring"),
    path("luu-tru/ho-so-giu-lai.<str:fmt>", archive_views.kept_list, name="kept_list"),
    path("huy/", archive_views.disposal_list, name="disposals"),
    path("huy/<int:pk>/", archive_views.disposal_detail, name="disposal"),
    path("huy/<int:pk>/<str:form>.<str:fmt>", archive_views.disposal_form, name="disposal_form"),
]

# export13: packages, bulk filing, other files, the list in XLSX
from . import package_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/goi/", package_views.package_create, name="package_create"),
    path("goi/<int:pk>/tai-ve/", package_views.package_download, name="package_download"),
    path("nhap-goi/", package_views.package_import_page, name="package_import"),
    path("chua-lap-ho-so/", package_views.unfiled_page, name="unfiled"),
    path("dua-vao-ho-so/", package_views.file_bulk, name="file_bulk"),
    path("<int:pk>/tai-lieu-khac/", package_views.other_file_add, name="other_file"),
    path("danh-muc/<int:pk>/tai-ve.<str:fmt>", package_views.plan_download, name="plan_download"),
    path("danh-muc/<int:pk>/nhap-xlsx/", package_views.plan_import, name="plan_import"),
    path("danh-muc/mau.xlsx", package_views.plan_template, name="plan_template"),
]
