from django.urls import path

from wuxing.creation import views

app_name = "creation"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/rerate/", views.campaign_rerate, name="campaign_rerate"),
    path("<int:pk>/leader/", views.leader, name="leader"),
    path("<int:pk>/plans/import/", views.plan_import, name="plan_import"),
    path("<int:pk>/plans/template/", views.plan_template, name="plan_template"),
    path("<int:pk>/plans/export/", views.plan_export, name="plan_export_all"),
    path("<int:pk>/units/<int:unit>/plans/export/", views.plan_export, name="plan_export"),
    path("<int:pk>/offices/<int:office>/", views.office_matrix, name="office"),
    path("<int:pk>/branches/<int:branch>/", views.branch_workspace, name="branch"),
    path("<int:pk>/branches/<int:branch>/target/", views.target_edit, name="target_edit"),
    path("<int:pk>/branches/<int:branch>/comments/", views.comment, name="comment"),
    path("<int:pk>/branches/<int:branch>/target/<str:action>/", views.target_action, name="target_action"),
    path("<int:pk>/branches/<int:branch>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
]
