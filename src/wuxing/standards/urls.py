from django.urls import path

from wuxing.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="standard_list"),
    path("upload/", views.standard_upload, name="standard_upload"),
    path("<int:pk>/", views.standard_detail, name="standard_detail"),
    path("<int:pk>/export/", views.standard_export, name="standard_export"),
    path("<int:pk>/workbook/", views.standard_workbook, name="standard_workbook"),
]
