from django.urls import path

from wuxing.orgs import views

app_name = "orgs"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/template/", views.unit_import_template, name="unit_import_template"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/add/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/assignments/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/import/", views.user_import, name="user_import"),
    path("users/import/template/", views.user_import_template, name="user_import_template"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views.role_grant, name="role_grant"),
    path("users/<int:pk>/password/", views.password_reset, name="password_reset"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
