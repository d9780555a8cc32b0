from django.urls import path

from wuxing.casefiles import views

app_name = "casefiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("files/", views.files, name="files"),
    path("files/import/", views.file_import, name="file_import"),
    path("files/import/template/", views.file_template, name="file_template"),
    path("files/<int:pk>/", views.file_detail, name="file"),
    path("files/<int:pk>/pages/", views.dossier_view, name="dossier"),
    path("files/scans/", views.scan_zip, name="scan_zip"),
    path("pages/<int:pk>.pdf", views.page_pdf, name="page_pdf"),
    path("pages/<int:pk>.png", views.page_thumbnail, name="page_thumb"),
    path("pages/<int:pk>/remove/", views.page_remove, name="page_remove"),
    path("dates/<int:pk>/", views.date_decide, name="date_decide"),
    path("campaigns/<int:pk>/search/", views.dossier_search, name="dossier_search"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("samples/<int:pk>/", views.sheet, name="sheet"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("matters/", views.matters, name="matters"),
    path("matters/import/", views.matter_import, name="matter_import"),
    path("matters/import/template/", views.matter_template, name="matter_template"),
    path("rubrics/", views.rubric_list, name="rubrics"),
    path("rubrics/upload/", views.rubric_upload, name="rubric_upload"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric"),
    path("calendar/", views.calendar, name="calendar"),
]
