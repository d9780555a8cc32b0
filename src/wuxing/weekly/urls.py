from django.urls import path

from wuxing.weekly import views

app_name = "weekly"

urlpatterns = [
    path("", views.weekly_home, name="home"),
    path("<int:pk>/", views.district, name="district"),
    path("<int:pk>/offices/<int:office>/", views.office_matrix, name="office"),
    path("<int:pk>/offices/<int:office>/<int:year>/<int:week>/", views.office_rollup, name="rollup"),
    path("<int:pk>/branches/<int:branch>/", views.branch_history, name="branch"),
    path("<int:pk>/branches/<int:branch>/<int:year>/<int:week>/", views.report_page, name="report"),
    path("<int:pk>/branches/<int:branch>/<int:year>/<int:week>/attachments/", views.attachment_add,
         name="attachment_add"),
    path("<int:pk>/branches/<int:branch>/<int:year>/<int:week>/<str:action>/", views.report_action,
         name="report_action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
